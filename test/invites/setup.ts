import assert from 'node:assert/strict';
import type { Deps } from '../../src/deps.ts';
import { newId } from '../../src/ids.ts';
import { freshInviteState } from '../../src/modules/invites/repository.ts';
import type { PlanName } from '../../src/modules/workspaces/plans.ts';
import { Client, type Response } from '../harness/client.ts';
import { operator } from '../harness/factories.ts';

/** An operator's workspace with paths to its invite routes and an API key holding the invite scopes (as an integrator would use). */
export async function inviteWorkspace(url: string, deps: Deps, plan: PlanName = 'pro') {
  const owner = await operator(url, deps, { plan });
  const base = `/api/v1/workspaces/${owner.workspaceId}`;
  let integrator: Client | null = null;
  if (plan !== 'free') {
    const key = await owner.client.post(`${base}/api-keys`, { name: 'integrator', scopes: ['invites:read', 'invites:manage', 'invites:redeem'] });
    assert.equal(key.status, 201, key.text);
    integrator = new Client(url, { apiKey: key.body.secret });
  }
  const api = integrator ?? owner.client;
  return {
    ...owner,
    base,
    api,
    async create(body: Record<string, unknown>): Promise<Record<string, any>> {
      const created = await api.post(`${base}/invites`, body);
      assert.equal(created.status, 201, created.text);
      return created.body;
    },
    redeem(code: string, userId: string, extra: Record<string, unknown> = {}, headers?: Record<string, string>): Promise<Response> {
      return api.post(`${base}/invites/redeem`, { code, redeemer: { userId }, ...extra }, headers);
    },
    /** A member of this workspace, as the members module creates them (an integrator user id makes it the same person as that user). */
    async member(displayName: string, externalUserId: string | null = null): Promise<string> {
      const now = deps.clock.now();
      const id = newId(now);
      await deps.db.kysely
        .insertInto('members')
        .values({ id, workspace_id: owner.workspaceId, email: externalUserId ? null : `${id}@example.com`, external_user_id: externalUserId, display_name: displayName, created_at: now, updated_at: now })
        .execute();
      return id;
    },
  };
}

export type InviteWorkspace = Awaited<ReturnType<typeof inviteWorkspace>>;

export async function eventsOf(deps: Deps, type: string, inviteId: string): Promise<Record<string, any>[]> {
  const rows = await deps.db.kysely.selectFrom('events').select('payload').where('type', '=', type).orderBy('id').execute();
  return rows.map((r) => JSON.parse(r.payload) as Record<string, any>).filter((p) => (p.invite?.id ?? p.redemption?.inviteId) === inviteId);
}

/** Codes inserted as the batch job inserts them (codes PREFIX00000000, PREFIX00000001, …): fast, so a selection can be made large. */
export async function insertInviteRows(deps: Deps, workspaceId: string, count: number, overrides: Record<string, unknown> = {}, prefix = 'BULK'): Promise<string[]> {
  const now = deps.clock.now();
  const ids: string[] = [];
  for (let at = 0; at < count; at += 1000) {
    const rows = Array.from({ length: Math.min(1000, count - at) }, (_, i) => {
      const id = newId(now);
      ids.push(id);
      return {
        id,
        workspace_id: workspaceId,
        code: `${prefix}${String(at + i).padStart(8, '0')}`,
        purpose: 'referral',
        owner_type: 'user',
        owner_id: 'bulk-owner',
        owner_key: 'u:bulk-owner',
        owner_name: null,
        campaign_id: null,
        routing: null,
        tags: '{}',
        max_uses: 1,
        ...freshInviteState(now),
        expires_at: null,
        origin: 'batch',
        batch_id: null,
        link_suffix: null,
        ...overrides,
      };
    });
    await deps.db.kysely.insertInto('invites').values(rows).execute();
  }
  return ids;
}
