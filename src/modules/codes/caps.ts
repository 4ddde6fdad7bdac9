/** The scan caps a code may carry; null = unlimited. */
export interface ScanCaps {
  scans_per_day_cap: number | null;
  scans_total_cap: number | null;
}

/**
 * Which scan cap, if any, a code has reached with `today` admitted scans today and `total` in all.
 * One place for the rule: the scan path judges with it, the group-commit batch re-judges with it
 * against the counters it has read (and on PostgreSQL locked), and a code's state reports it.
 */
export function scanCapReached(caps: ScanCaps, today: number, total: number): 'daily_cap' | 'total_cap' | null {
  if (caps.scans_per_day_cap !== null && today >= caps.scans_per_day_cap) return 'daily_cap';
  if (caps.scans_total_cap !== null && total >= caps.scans_total_cap) return 'total_cap';
  return null;
}
