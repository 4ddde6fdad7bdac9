import type { Deps } from '../../deps.ts';
import { getGroup } from '../groups/service.ts';
import { findLiveCodeRow } from '../live-codes/repository.ts';
import { parseTemplate } from '../live-codes/template.ts';
import type { CodeView } from './schema.ts';
import { getCode } from './service.ts';

/** What a poster and a QR caption print for a code. */
export interface CodeFace {
  name: string;
  valueStatement: string;
  description: string;
}

/**
 * A code with what its QR caption and poster print: a join code's group (name, promise), or for a
 * live code — which leads to a pool, not one group — its own name and its template's promise.
 */
export async function codeFace(deps: Deps, workspaceId: string, codeId: string): Promise<{ code: CodeView; group: CodeFace }> {
  const code = await getCode(deps, workspaceId, codeId);
  if (code.groupId !== null) return { code, group: await getGroup(deps.db.kysely, workspaceId, code.groupId) };
  const template = parseTemplate((await findLiveCodeRow(deps.db.kysely, code.id))?.template ?? null);
  return { code, group: { name: code.name, valueStatement: template?.valueStatement ?? '', description: template?.description ?? '' } };
}
