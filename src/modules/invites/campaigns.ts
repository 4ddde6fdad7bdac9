import type { Selectable } from 'kysely';
import { toIso } from '../../clock.ts';
import type { Executor } from '../../db/index.ts';
import type { InviteCampaignTable } from '../../db/schema.ts';
import type { Deps } from '../../deps.ts';
import { AppError } from '../../errors.ts';
import { newId } from '../../ids.ts';
import type { Actor } from '../audit/actor.ts';
import { insertAudit } from '../audit/repository.ts';
import type { CampaignChanges, CampaignStatus, CampaignView, NewCampaign } from './schema.ts';

export type CampaignRow = Selectable<InviteCampaignTable>;

export function fieldIssue(field: string, message: string): AppError {
  return new AppError('validation_failed', `body/${field} ${message}`, { errors: [{ in: 'body', pointer: `/${field}`, message }] });
}

/** Whether the campaign's codes can be redeemed at `now`: active, started, not yet ended. */
export function isRunning(row: CampaignRow, now: number): boolean {
  return row.status === 'active' && now >= row.starts_at && (row.ends_at === null || now < row.ends_at);
}

export function presentCampaign(row: CampaignRow, now: number): CampaignView {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    startsAt: toIso(row.starts_at),
    endsAt: toIso(row.ends_at),
    status: row.status as CampaignStatus,
    perRedeemerLimit: row.per_redeemer_limit,
    running: isRunning(row, now),
    createdAt: toIso(row.created_at),
    updatedAt: toIso(row.updated_at),
  };
}

export function findCampaign(db: Executor, workspaceId: string, campaignId: string): Promise<CampaignRow | undefined> {
  return db.selectFrom('invite_campaigns').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', campaignId).executeTakeFirst();
}

async function mustFind(db: Executor, workspaceId: string, campaignId: string): Promise<CampaignRow> {
  const row = await findCampaign(db, workspaceId, campaignId);
  if (!row) throw new AppError('not_found', 'No such campaign');
  return row;
}

function checkWindow(startsAt: number, endsAt: number | null): void {
  if (endsAt !== null && endsAt <= startsAt) throw fieldIssue('endsAt', 'must be after startsAt');
}

const parse = (value: string | null | undefined) => (value === undefined || value === null ? value : Date.parse(value));

export async function createCampaign(deps: Deps, actor: Actor, workspaceId: string, input: NewCampaign): Promise<CampaignView> {
  const now = deps.clock.now();
  const row: CampaignRow = {
    id: newId(now),
    workspace_id: workspaceId,
    name: input.name.trim(),
    description: input.description ?? '',
    starts_at: Date.parse(input.startsAt),
    ends_at: parse(input.endsAt) ?? null,
    status: input.status ?? 'active',
    per_redeemer_limit: input.perRedeemerLimit ?? null,
    created_at: now,
    updated_at: now,
  };
  checkWindow(row.starts_at, row.ends_at);
  await deps.db.kysely.transaction().execute(async (tx) => {
    await tx.insertInto('invite_campaigns').values(row).execute();
    await insertAudit(tx, actor, { workspaceId, action: 'invite_campaign.created', targetType: 'invite_campaign', targetId: row.id, details: { name: row.name } }, now);
  });
  return presentCampaign(row, now);
}

export async function listCampaigns(deps: Deps, workspaceId: string, filter: { status?: string; before?: string; limit: number }): Promise<CampaignRow[]> {
  let query = deps.db.kysely.selectFrom('invite_campaigns').selectAll().where('workspace_id', '=', workspaceId);
  if (filter.status) query = query.where('status', '=', filter.status);
  if (filter.before) query = query.where('id', '<', filter.before);
  return query.orderBy('id', 'desc').limit(filter.limit).execute();
}

export async function getCampaign(deps: Deps, workspaceId: string, campaignId: string): Promise<CampaignView> {
  return presentCampaign(await mustFind(deps.db.kysely, workspaceId, campaignId), deps.clock.now());
}

export async function updateCampaign(deps: Deps, actor: Actor, workspaceId: string, campaignId: string, changes: CampaignChanges): Promise<CampaignView> {
  const now = deps.clock.now();
  return deps.db.kysely.transaction().execute(async (tx) => {
    const row = await mustFind(tx, workspaceId, campaignId);
    if (row.status === 'ended' && changes.status !== undefined && changes.status !== 'ended') throw fieldIssue('status', 'cannot change: the campaign has ended for good');
    const columns = {
      name: changes.name?.trim() ?? row.name,
      description: changes.description ?? row.description,
      starts_at: parse(changes.startsAt) ?? row.starts_at,
      ends_at: changes.endsAt === undefined ? row.ends_at : parse(changes.endsAt)!,
      status: changes.status ?? row.status,
      per_redeemer_limit: changes.perRedeemerLimit === undefined ? row.per_redeemer_limit : changes.perRedeemerLimit,
      updated_at: now,
    };
    checkWindow(columns.starts_at, columns.ends_at);
    await tx.updateTable('invite_campaigns').set(columns).where('id', '=', campaignId).execute();
    await insertAudit(tx, actor, { workspaceId, action: 'invite_campaign.updated', targetType: 'invite_campaign', targetId: campaignId, details: { changed: Object.keys(changes) } }, now);
    return presentCampaign({ ...row, ...columns }, now);
  });
}

const inUse = () => new AppError('invite_campaign_in_use', 'Invite codes refer to this campaign; end it (status ended) instead, or delete it once its codes are purged');

function isForeignKeyViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '23503' || code === 'SQLITE_CONSTRAINT_FOREIGNKEY';
}

/** Deletes a campaign that no code refers to; one with codes (archived ones too) can be ended instead. */
export async function deleteCampaign(deps: Deps, actor: Actor, workspaceId: string, campaignId: string): Promise<void> {
  const now = deps.clock.now();
  // A code created for it while this runs makes the delete fail on the foreign key: the same answer.
  await deps.db.kysely
    .transaction()
    .execute(async (tx) => {
    const row = await mustFind(tx, workspaceId, campaignId);
    const used = await tx.selectFrom('invites').select('id').where('campaign_id', '=', campaignId).limit(1).executeTakeFirst();
    if (used) throw inUse();
    await tx.deleteFrom('invite_campaigns').where('id', '=', campaignId).execute();
    await insertAudit(tx, actor, { workspaceId, action: 'invite_campaign.deleted', targetType: 'invite_campaign', targetId: campaignId, details: { name: row.name } }, now);
  })
    .catch((error: unknown) => {
      throw isForeignKeyViolation(error) ? inUse() : error;
    });
}
