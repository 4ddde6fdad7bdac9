import type { Deps } from '../../deps.ts';
import { getGroup } from '../groups/service.ts';
import type { GroupView } from '../groups/schema.ts';
import { findCodeRow, type CodeRow } from './repository.ts';

/**
 * Where lookupToken reads a code (with its admitted scans of the day `now` falls in) and the
 * code's group. By default the database; the scan path passes its per-process cache
 * (scan-cache.ts), whose answers the group-commit batch checks against the database before the
 * scan is acknowledged.
 */
export interface CodeSource {
  code(codeId: string, now: number): Promise<CodeRow | undefined>;
  group(workspaceId: string, groupId: string): Promise<GroupView>;
}

/** Reads straight from the database (the read connection: last committed state). */
export function databaseSource(deps: Deps): CodeSource {
  return {
    code: (codeId, now) => findCodeRow(deps.db.reader, codeId, now),
    group: (workspaceId, groupId) => getGroup(deps.db.reader, workspaceId, groupId),
  };
}
