import type { Executor } from '../../db/index.ts';
import type { Deps } from '../../deps.ts';
import { AppError } from '../../errors.ts';
import { newId } from '../../ids.ts';
import type { Actor } from '../audit/actor.ts';
import { checkAvatar, insertGroup } from '../groups/service.ts';
import { getWorkspaceLimits } from '../workspaces/service.ts';
import { NUMBER_PLACEHOLDER, type GroupTemplate } from './schema.ts';

export function parseTemplate(text: string | null): GroupTemplate | null {
  if (text === null) return null;
  try {
    return JSON.parse(text) as GroupTemplate;
  } catch {
    return null;
  }
}

export function numberedName(pattern: string, n: number): string {
  return pattern.replaceAll(NUMBER_PLACEHOLDER, String(n));
}

function contradiction(pointer: string, message: string): AppError {
  return new AppError('contradictory_pool_rules', message, { errors: [{ in: 'body', pointer, message }] });
}

/**
 * A template must be able to make a group the plan allows, with admins who are staff of the
 * workspace. Checked when it is saved, and again (capacity, admins) when a group is made from it,
 * since the plan and the staff may have changed since.
 */
export async function checkTemplate(db: Executor, workspaceId: string, template: GroupTemplate, pointer = '/template'): Promise<void> {
  const { memberCapPerGroup } = await getWorkspaceLimits(db, workspaceId);
  if (template.capacity !== undefined && template.capacity > memberCapPerGroup) {
    throw contradiction(`${pointer}/capacity`, `The template's capacity ${template.capacity} is above the plan's ${memberCapPerGroup} members per group`);
  }
  try {
    checkAvatar(template.avatar);
  } catch (error) {
    throw error instanceof AppError ? contradiction(`${pointer}/avatar`, error.detail ?? error.message) : error;
  }
  const admins = template.adminIds ?? [];
  if (admins.length === 0) return;
  const staff = await db.selectFrom('memberships').select('staff_id').where('workspace_id', '=', workspaceId).where('staff_id', 'in', admins).execute();
  const known = new Set(staff.map((s) => s.staff_id));
  const strangers = admins.filter((id) => !known.has(id));
  if (strangers.length > 0) throw contradiction(`${pointer}/adminIds`, `Not staff of this workspace: ${strangers.join(', ')}`);
}

/**
 * Creates group number `n` of a hosted pool from its template, and adds it to the pool as the last
 * entry. The number is claimed by a compare-and-set on next_group_number in the same transaction,
 * so of concurrent joins that all found the pool full exactly one creates the group (the others
 * see the claim fail, return false, and route again to the new group). Admins who have left the
 * staff since the template was saved are skipped.
 */
export async function createNextGroup(deps: Deps, actor: Actor, live: { codeId: string; workspaceId: string; template: GroupTemplate; number: number }): Promise<boolean> {
  const now = deps.clock.now();
  return deps.db.kysely.transaction().execute(async (tx) => {
    const claimed = await tx
      .updateTable('live_codes')
      .set({ next_group_number: live.number + 1, updated_at: now })
      .where('code_id', '=', live.codeId)
      .where('next_group_number', '=', live.number)
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) === 0) return false;
    const { template } = live;
    const { memberCapPerGroup } = await getWorkspaceLimits(tx, live.workspaceId);
    const wanted = template.adminIds ?? [];
    const admins =
      wanted.length === 0
        ? []
        : (await tx.selectFrom('memberships').select('staff_id').where('workspace_id', '=', live.workspaceId).where('staff_id', 'in', wanted).orderBy('staff_id').execute()).map((m) => m.staff_id);
    const group = await insertGroup(
      tx,
      actor,
      live.workspaceId,
      {
        kind: 'hosted',
        name: numberedName(template.namePattern, live.number),
        description: template.description,
        valueStatement: template.valueStatement,
        welcomeText: template.welcomeText,
        avatar: template.avatar,
        capacity: Math.min(template.capacity ?? memberCapPerGroup, memberCapPerGroup),
      },
      now,
      { autoCreated: true, liveCodeId: live.codeId, groupNumber: live.number, adminIds: admins },
    );
    for (const staffId of admins) {
      await tx.insertInto('group_admins').values({ group_id: group.id, staff_id: staffId, workspace_id: live.workspaceId, created_at: now }).execute();
    }
    const last = await tx
      .selectFrom('live_code_entries')
      .select((eb) => eb.fn.max('position').as('position'))
      .where('live_code_id', '=', live.codeId)
      .executeTakeFirst();
    await tx
      .insertInto('live_code_entries')
      .values({
        id: newId(now),
        workspace_id: live.workspaceId,
        live_code_id: live.codeId,
        position: last?.position === null || last?.position === undefined ? 0 : Number(last.position) + 1,
        kind: 'group',
        group_id: group.id,
        source: null,
        payload: null,
        payload_hash: null,
        label: '',
        platform: null,
        audience: null,
        latitude: null,
        longitude: null,
        region: null,
        scans: 0,
        scan_threshold: null,
        expires_at: null,
        status: 'active',
        retired_reason: null,
        reminded_at: null,
        group_number: live.number,
        created_at: now,
        updated_at: now,
      })
      .execute();
    return true;
  });
}
