import ipaddr from 'ipaddr.js';

/** Canonical form of an address, so "::ffff:10.0.0.1" and "10.0.0.1" compare equal. */
function parse(address: string): ipaddr.IPv4 | ipaddr.IPv6 | null {
  try {
    return ipaddr.process(address);
  } catch {
    return null;
  }
}

/**
 * IPv4 only as dotted four-part decimal: ipaddr.js also reads "10" as 0.0.0.10 and "010.0.0.1"
 * as octal 8.0.0.1, which would silently allow an address the operator did not write.
 */
function strictAddress(text: string): boolean {
  const address = text.split('/')[0] ?? '';
  return address.includes(':') ? ipaddr.IPv6.isValid(address) : ipaddr.IPv4.isValidFourPartDecimal(address);
}

/** Parses one allow-list entry (an address or a CIDR) into its canonical text, or null if invalid. */
export function normalizeAllowEntry(entry: string): string | null {
  const text = entry.trim();
  if (!strictAddress(text)) return null;
  try {
    if (text.includes('/')) {
      const [address, bits] = ipaddr.parseCIDR(text);
      const canonical = address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress()
        ? `${(address as ipaddr.IPv6).toIPv4Address().toString()}/${bits - 96}`
        : `${address.toString()}/${bits}`;
      return canonical;
    }
  } catch {
    return null;
  }
  const address = parse(text);
  return address ? address.toString() : null;
}

/** An empty list allows every address. */
export function ipAllowed(allowList: string[], ip: string): boolean {
  if (allowList.length === 0) return true;
  const address = parse(ip);
  if (!address) return false;
  return allowList.some((entry) => {
    if (!entry.includes('/')) return parse(entry)?.toString() === address.toString();
    const [range, bits] = ipaddr.parseCIDR(entry);
    return range.kind() === address.kind() && address.match(range, bits);
  });
}
