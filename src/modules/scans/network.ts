import ipaddr from 'ipaddr.js';

const OCTET = '(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
/** Dotted four-part decimal, each part 0–255 without leading zeros (the form a socket reports). */
const IPV4 = new RegExp(`^${OCTET}\\.${OCTET}\\.${OCTET}\\.${OCTET}$`);

/**
 * The network a scan came from, never the full address: IPv4 /24 ("203.0.113.0/24") or IPv6 /48
 * ("2001:db8:1234::/48", a typical site allocation). That is enough to see a poster's
 * neighbourhood or a flood from one network while keeping scan events free of personal addresses.
 * IPv4-mapped IPv6 ("::ffff:203.0.113.9", what a dual-stack socket reports) counts as IPv4.
 * Anything that is not a plain address gives 'unknown'; IPv4 must be dotted four-part decimal, as
 * ipaddr.js would also read "10" or octal "010.0.0.1" as addresses nobody meant.
 */
export function networkPrefix(ip: string): string {
  // Most scans come over IPv4: read those without building an address object.
  const v4 = IPV4.exec(ip);
  if (v4) return `${v4[1]}.${v4[2]}.${v4[3]}.0/24`;
  if (!ip.includes(':') || !ipaddr.IPv6.isValid(ip)) return 'unknown';
  const address = ipaddr.IPv6.parse(ip);
  if (address.isIPv4MappedAddress()) {
    const [a, b, c] = address.toIPv4Address().octets;
    return `${a}.${b}.${c}.0/24`;
  }
  const [p0, p1, p2] = address.parts;
  return `${new ipaddr.IPv6([p0!, p1!, p2!, 0, 0, 0, 0, 0]).toString()}/48`;
}
