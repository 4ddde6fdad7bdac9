import type { Deps } from '../../deps.ts';
import { networkPrefix } from '../scans/network.ts';
import { createScanRecorder, type ScanRecord } from '../scans/recorder.ts';
import { classifyUserAgent } from '../scans/user-agent.ts';
import { hasPasswordPass } from './password-pass.ts';
import type { CodeRow } from './repository.ts';
import { lookupToken, parseTags, type Lookup } from './resolve.ts';
import { createScanCache, type ScanSnapshot } from './scan-cache.ts';

/**
 * Found stale this many times in a row (its code changing under it each time), a scan is judged
 * once more straight from the database and recorded as judged, as it would be without the cache.
 */
const CACHED_ATTEMPTS = 2;

export interface ScanRequest {
  token: string;
  userAgent: string | undefined;
  /** The client address (after trusted proxies); only its network prefix is kept. */
  ip: string;
  cookie: string | undefined;
}

export interface AdmittedScan {
  found: Lookup;
  /** False when the code asks for its access password and the scanner holds no pass yet. */
  passed: boolean;
  /**
   * Whether the scan was recorded: not when the token led to no code, nor for an admitted live
   * code's scan (found.ok, passed, no group), which is recorded once the scanner is routed, with record().
   */
  recorded: boolean;
}

/** Where a live code sent the scanner: its pool entry, and the group if the entry is one. */
export interface Routed {
  entryId: string;
  groupId: string | null;
}

export interface ScanAdmission {
  /** Judges a scan and records it (group commit); resolves once its row is on disk. */
  scan(request: ScanRequest): Promise<AdmittedScan>;
  /** Records a scan as judged by the caller (a routed live code), in the same batches; resolves once it is on disk. */
  record(request: ScanRequest, found: Lookup, outcome: string, routed?: Routed | null): Promise<void>;
  /** Writes the scans still waiting. Call on shutdown. */
  close(): Promise<void>;
}

/**
 * GET /j/<token>: the token is opened before anything else; the code and group come from the
 * per-process scan cache and the scan is judged on them, then handed to the group-commit recorder,
 * whose batch checks the judgment against the database (scan-cache.ts) before anything is
 * acknowledged. A scan found stale is judged again on the state the batch read. Every scan of a
 * token that led to a code is recorded with its outcome, refusals included.
 */
export function createScanAdmission(deps: Deps): ScanAdmission {
  const cache = createScanCache(deps);
  // The cache hands out one row object per code state: parse its tags once.
  const tags = new WeakMap<CodeRow, ReturnType<typeof parseTags>>();
  const tagsOf = (row: CodeRow) => {
    let parsed = tags.get(row);
    if (!parsed) tags.set(row, (parsed = parseTags(row.tags)));
    return parsed;
  };
  const recorder = createScanRecorder<ScanSnapshot>(deps, { check: cache.check });

  function scanOf(row: CodeRow, request: ScanRequest, found: Lookup, outcome: string, at: number, snapshot?: ScanSnapshot): ScanRecord<ScanSnapshot> {
    return {
      workspaceId: row.workspace_id,
      codeId: row.id,
      groupId: row.group_id,
      outcome,
      admitted: found.ok,
      tags: tagsOf(row),
      ua: classifyUserAgent(request.userAgent),
      network: networkPrefix(request.ip),
      at,
      snapshot,
    };
  }

  return {
    async scan(request) {
      for (let attempt = 0; ; attempt += 1) {
        const source = attempt < CACHED_ATTEMPTS ? cache.source() : undefined;
        const found = await lookupToken(deps, request.token, { scanCaps: true, source });
        const now = deps.clock.now();
        const passed = found.ok && (!found.code.passwordRequired || hasPasswordPass(deps.config, request.token, request.cookie, now));
        const row = found.row;
        if (!row) return { found, passed, recorded: false }; // nothing to attribute: the token did not lead to a code
        if (found.ok && passed && found.group === null) return { found, passed, recorded: false };
        const outcome = found.ok ? (passed ? 'ok' : 'password_required') : found.reason;
        const recorded = await recorder.record(scanOf(row, request, found, outcome, now, source?.snapshot()));
        if (recorded === 'recorded') return { found, passed, recorded: true };
      }
    },
    async record(request, found, outcome, routed = null) {
      const row = found.row;
      if (!row) return;
      const scan = scanOf(row, request, found, outcome, deps.clock.now());
      await recorder.record(routed ? { ...scan, groupId: routed.groupId, entryId: routed.entryId } : scan);
    },
    close: () => recorder.close(),
  };
}
