import ipaddr from 'ipaddr.js';

/**
 * The network a scan came from, never the full address: IPv4 /24 ("203.0.113.0/24") or IPv6 /48
 * ("2001:db8:1234::/48", a typical site allocation). That is enough to see a poster's
 * neighbourhood or a flood from one network while keeping scan events free of personal addresses.
 * IPv4-mapped IPv6 ("::ffff:203.0.113.9", what a dual-stack socket reports) counts as IPv4.
 * Anything that is not a plain address gives 'unknown'; IPv4 must be dotted four-part decimal,
 * because ipaddr.js also reads "10" or octal "010.0.0.1" as addresses nobody meant.
 */
export function networkPrefix(ip: string): string {
  let address: ipaddr.IPv4 | ipaddr.IPv6;
  if (ipaddr.IPv4.isValidFourPartDecimal(ip)) address = ipaddr.IPv4.parse(ip);
  else if (ip.includes(':') && ipaddr.IPv6.isValid(ip)) address = ipaddr.IPv6.parse(ip);
  else return 'unknown';
  if (address instanceof ipaddr.IPv6 && address.isIPv4MappedAddress()) address = address.toIPv4Address();
  if (address instanceof ipaddr.IPv4) {
    const [a, b, c] = address.octets;
    return `${a}.${b}.${c}.0/24`;
  }
  const [p0, p1, p2] = address.parts;
  return `${new ipaddr.IPv6([p0!, p1!, p2!, 0, 0, 0, 0, 0]).toString()}/48`;
}
