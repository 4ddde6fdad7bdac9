import type { Deps } from '../../deps.ts';
import type { GroupView } from '../groups/schema.ts';
import { scanCapReached } from './caps.ts';
import { databaseSource, type CodeSource } from './code-source.ts';
import type { CodeRow } from './repository.ts';
import type { CodeTags } from './schema.ts';
import { codeCrypto } from './tokens.ts';

/**
 * Why a token does not lead to a group right now. Each has its own page and HTTP status on the
 * scan path (REFUSAL_STATUS), and every refusal after the token decoded is recorded as a scan.
 */
export type CodeRefusal =
  /** Malformed, forged, altered or sealed with a key no longer in the ring (404). */
  | 'invalid'
  /** The token's own expiry passed (410). */
  | 'expired'
  /** The token decoded but its code no longer exists (404). */
  | 'not_found'
  /** The code was reset or rotated since: only its newest token works (410). */
  | 'replaced'
  | 'revoked'
  | 'paused'
  | 'not_yet_active'
  | 'ended'
  | 'daily_cap'
  | 'total_cap'
  | 'group_archived'
  | 'group_full'
  /** A live code whose pool has no usable entry (all retired, expired or paused) and no template (409). */
  | 'pool_empty';

/**
 * The status each refusal is served with. paused is 423 Locked: the code exists and will work
 * again once its operator resumes it (409 would suggest the scanner's request conflicts).
 */
export const REFUSAL_STATUS: Record<CodeRefusal, number> = {
  invalid: 404,
  expired: 410,
  not_found: 404,
  replaced: 410,
  revoked: 410,
  paused: 423,
  not_yet_active: 403,
  ended: 403,
  daily_cap: 429,
  total_cap: 429,
  group_archived: 410,
  group_full: 409,
  pool_empty: 409,
};

export interface ResolvedCode {
  id: string;
  workspaceId: string;
  /** null for a live code: its pool decides the group (modules/live-codes). */
  groupId: string | null;
  name: string;
  tags: CodeTags;
  joinsPerHourCap: number | null;
  passwordRequired: boolean;
}

/** group is the join code's group, or null for a live code (routed by modules/live-codes). */
export type ResolveResult = { ok: true; code: ResolvedCode; group: GroupView | null } | { ok: false; reason: CodeRefusal };

/** What the scan path needs beyond ResolveResult: the row (window, password hash) even when refused. */
export type Lookup =
  | { ok: true; row: CodeRow; group: GroupView | null; code: ResolvedCode }
  | { ok: false; reason: CodeRefusal; row?: CodeRow; group?: GroupView };

export function parseTags(text: string): CodeTags {
  try {
    return JSON.parse(text) as CodeTags;
  } catch {
    return {};
  }
}

function present(row: CodeRow): ResolvedCode {
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    groupId: row.group_id,
    name: row.name,
    tags: parseTags(row.tags),
    joinsPerHourCap: row.joins_per_hour_cap,
    passwordRequired: row.password_hash !== null,
  };
}

/**
 * Follows a token to its code and group and judges whether it admits now. The token is opened
 * (AES-GCM, expiry) before anything is read from the database. Scan caps are judged only when
 * `scanCaps` is set: the scan path does, while later steps of a scan that was already admitted
 * (the join flow) must not be refused because that very scan reached the cap.
 */
export async function lookupToken(deps: Deps, token: string, options: { scanCaps?: boolean; source?: CodeSource } = {}): Promise<Lookup> {
  const now = deps.clock.now();
  const decoded = codeCrypto(deps.config).codec.decode(token, now);
  if (!decoded.ok) return { ok: false, reason: decoded.reason === 'expired' ? 'expired' : 'invalid' };
  const source = options.source ?? databaseSource(deps);
  const row = await source.code(decoded.claims.codeId, now);
  if (!row) return { ok: false, reason: 'not_found' };
  const refuse = (reason: CodeRefusal, group?: GroupView): Lookup => ({ ok: false, reason, row, ...(group ? { group } : {}) });
  if (row.status === 'revoked') return refuse('revoked');
  if (decoded.claims.issuedAt !== row.token_issued_at) return refuse('replaced');
  if (row.status === 'paused') return refuse('paused');
  if (row.active_from !== null && now < row.active_from) return refuse('not_yet_active');
  if (row.active_until !== null && now >= row.active_until) return refuse('ended');
  if (options.scanCaps) {
    const cap = scanCapReached(row, row.scans_today ?? 0, row.scans_total);
    if (cap) return refuse(cap);
  }
  // A live code admits by its pool, judged when the scanner is routed.
  if (row.group_id === null) return { ok: true, row, group: null, code: present(row) };
  const group = await source.group(row.workspace_id, row.group_id);
  if (group.status === 'archived') return refuse('group_archived', group);
  if (group.memberCount >= group.capacity) return refuse('group_full', group);
  return { ok: true, row, group, code: present(row) };
}

/**
 * For the join flow: the code and group behind a token, or why it does not admit now. Scan caps
 * are not judged here (the scan that led to the join was already admitted and counted); the join
 * flow judges joinsPerHourCap and, when passwordRequired, the password pass cookie
 * (see password-pass.ts).
 */
export async function resolveCode(deps: Deps, token: string): Promise<ResolveResult> {
  const found = await lookupToken(deps, token);
  return found.ok ? { ok: true, code: found.code, group: found.group } : { ok: false, reason: found.reason };
}
