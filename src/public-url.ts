/**
 * Whether a URL names this machine only (localhost, 127.0.0.0/8, ::1): a QR code pointing there
 * opens nothing on a phone. Shared by the start-up warning and the console's code page, so it has
 * no Node imports.
 */
export function isLocalOnlyUrl(url: string): boolean {
  let hostname: string;
  try {
    hostname = new URL(url).hostname.toLowerCase();
  } catch {
    return false;
  }
  return hostname === 'localhost' || hostname.endsWith('.localhost') || /^127\.\d+\.\d+\.\d+$/.test(hostname) || hostname === '[::1]';
}
