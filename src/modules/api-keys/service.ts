import { timingSafeEqual } from 'node:crypto';
import { toIso } from '../../clock.ts';
import type { Deps } from '../../deps.ts';
import { AppError } from '../../errors.ts';
import { newId } from '../../ids.ts';
import type { Actor } from '../audit/actor.ts';
import { recordChange } from '../audit/record.ts';
import { API_KEY_SCOPES, type Permission } from '../staff/permissions.ts';
import { newSecret, sha256 } from '../staff/tokens.ts';
import { getWorkspaceLimits } from '../workspaces/service.ts';
import { ipAllowed, normalizeAllowEntry } from './ip-allow-list.ts';

// Writing last_used_at on every call would turn each read into a write; once a minute is enough.
const LAST_USED_RESOLUTION_MS = 60 * 1000;
const KEY_FORMAT = /^jc_([0-9A-HJKMNP-TV-Z]{26})_([A-Za-z0-9_-]{43})$/;

export interface ApiKeyPrincipal {
  kind: 'api_key';
  keyId: string;
  workspaceId: string;
  name: string;
  scopes: Permission[];
}

export interface ApiKeyView {
  id: string;
  name: string;
  prefix: string;
  scopes: Permission[];
  ipAllowList: string[];
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

type ApiKeyRow = {
  id: string;
  name: string;
  prefix: string;
  scopes: string;
  ip_allow_list: string;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
};

export function presentApiKey(row: ApiKeyRow): ApiKeyView {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    scopes: JSON.parse(row.scopes) as Permission[],
    ipAllowList: JSON.parse(row.ip_allow_list) as string[],
    createdAt: toIso(row.created_at),
    lastUsedAt: toIso(row.last_used_at),
    revokedAt: toIso(row.revoked_at),
  };
}

export async function createApiKey(
  deps: Deps,
  actor: Actor & { id: string },
  workspaceId: string,
  input: { name: string; scopes: string[]; ipAllowList: string[] },
): Promise<ApiKeyView & { secret: string }> {
  const unknown = input.scopes.filter((s) => !(API_KEY_SCOPES as string[]).includes(s));
  if (unknown.length > 0) {
    throw new AppError('validation_failed', `Unknown or not grantable scopes: ${unknown.join(', ')}`);
  }
  const allowList = input.ipAllowList.map((entry) => {
    const normalized = normalizeAllowEntry(entry);
    if (!normalized) throw new AppError('validation_failed', `"${entry}" is not an IP address or CIDR range`);
    return normalized;
  });
  const now = deps.clock.now();
  const id = newId(now);
  const secret = newSecret();
  const row = {
    id,
    workspace_id: workspaceId,
    name: input.name,
    prefix: `jc_${id.slice(0, 10)}`,
    secret_hash: sha256(secret),
    scopes: JSON.stringify([...new Set(input.scopes)]),
    ip_allow_list: JSON.stringify([...new Set(allowList)]),
    created_by: actor.id,
    created_at: now,
    last_used_at: null,
    revoked_at: null,
  };
  await deps.db.kysely.transaction().execute(async (tx) => {
    await tx.insertInto('api_keys').values(row).execute();
    await recordChange(
      tx,
      actor,
      {
        workspaceId,
        action: 'api_key.created',
        targetType: 'api_key',
        targetId: id,
        details: { name: input.name, scopes: input.scopes },
        event: { apiKeyId: id, name: input.name },
      },
      now,
    );
  });
  return { ...presentApiKey(row), secret: `jc_${id}_${secret}` };
}

export async function listApiKeys(deps: Deps, workspaceId: string, before: string | undefined, limit: number) {
  let query = deps.db.kysely.selectFrom('api_keys').selectAll().where('workspace_id', '=', workspaceId);
  if (before) query = query.where('id', '<', before);
  return query.orderBy('id', 'desc').limit(limit).execute();
}

export async function revokeApiKey(deps: Deps, actor: Actor, workspaceId: string, keyId: string): Promise<void> {
  const now = deps.clock.now();
  await deps.db.kysely.transaction().execute(async (tx) => {
    const result = await tx
      .updateTable('api_keys')
      .set({ revoked_at: now })
      .where('id', '=', keyId)
      .where('workspace_id', '=', workspaceId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) {
      const exists = await tx.selectFrom('api_keys').select('id').where('id', '=', keyId).where('workspace_id', '=', workspaceId).executeTakeFirst();
      if (!exists) throw new AppError('not_found', 'No such API key');
      return; // already revoked: revoking again is a no-op
    }
    await recordChange(tx, actor, { workspaceId, action: 'api_key.revoked', targetType: 'api_key', targetId: keyId, event: { apiKeyId: keyId } }, now);
  });
}

/**
 * The principal behind "Authorization: Bearer jc_…". Any flaw — bad format, unknown or revoked
 * key, wrong secret, address outside the allow-list, plan without API access — is a refusal.
 */
export async function authenticateApiKey(deps: Deps, token: string, ip: string): Promise<ApiKeyPrincipal> {
  const match = KEY_FORMAT.exec(token);
  if (!match) throw new AppError('invalid_api_key');
  const [, id, secret] = match as unknown as [string, string, string];
  const key = await deps.db.kysely.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst();
  const expected = Buffer.from(key?.secret_hash ?? sha256('no such key'), 'hex');
  const given = Buffer.from(sha256(secret), 'hex');
  if (!key || !timingSafeEqual(expected, given) || key.revoked_at !== null) throw new AppError('invalid_api_key');
  if (!ipAllowed(JSON.parse(key.ip_allow_list) as string[], ip)) {
    throw new AppError('ip_not_allowed', `Requests from ${ip} are not on this key's allow-list`);
  }
  const limits = await getWorkspaceLimits(deps.db.kysely, key.workspace_id);
  if (!limits.apiAccess) throw new AppError('api_access_disabled');
  const now = deps.clock.now();
  if (key.last_used_at === null || now - key.last_used_at > LAST_USED_RESOLUTION_MS) {
    await deps.db.kysely.updateTable('api_keys').set({ last_used_at: now }).where('id', '=', id).execute();
  }
  return { kind: 'api_key', keyId: key.id, workspaceId: key.workspace_id, name: key.name, scopes: JSON.parse(key.scopes) as Permission[] };
}
