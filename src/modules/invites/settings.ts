import type { Executor } from '../../db/index.ts';
import type { Deps } from '../../deps.ts';
import { AppError } from '../../errors.ts';
import type { Actor } from '../audit/actor.ts';
import { insertAudit } from '../audit/repository.ts';
import { checkAlphabet, DEFAULT_ALPHABET, DEFAULT_BODY_LENGTH, type CodeFormat } from './alphabet.ts';
import type { InviteSettings } from './schema.ts';

/** Seed: enterprise WeChat keeps expired codes traceable for 6 months. */
export const DEFAULT_RETENTION_DAYS = 183;
export const DEFAULT_EXPIRING_LEAD_HOURS = 24;

export const DEFAULT_INVITE_SETTINGS: InviteSettings = {
  alphabet: DEFAULT_ALPHABET,
  bodyLength: DEFAULT_BODY_LENGTH,
  prefix: '',
  suffix: '',
  retentionDays: DEFAULT_RETENTION_DAYS,
  expiringLeadHours: DEFAULT_EXPIRING_LEAD_HOURS,
};

export async function getInviteSettings(db: Executor, workspaceId: string): Promise<InviteSettings> {
  const row = await db.selectFrom('invite_settings').selectAll().where('workspace_id', '=', workspaceId).executeTakeFirst();
  if (!row) return DEFAULT_INVITE_SETTINGS;
  return {
    alphabet: row.alphabet,
    bodyLength: row.body_length,
    prefix: row.prefix,
    suffix: row.suffix,
    retentionDays: row.retention_days,
    expiringLeadHours: row.expiring_lead_hours,
  };
}

export function formatOf(settings: InviteSettings): CodeFormat {
  return { alphabet: settings.alphabet, bodyLength: settings.bodyLength, prefix: settings.prefix, suffix: settings.suffix };
}

/**
 * Replaces the workspace's settings. A new format applies to codes created from now on; codes
 * already issued keep working, since redeeming looks a code up as stored before reading its format.
 */
export async function putInviteSettings(deps: Deps, actor: Actor, workspaceId: string, input: InviteSettings): Promise<InviteSettings> {
  const checked = checkAlphabet(input.alphabet);
  if (!checked.ok) throw new AppError('invite_alphabet_invalid', checked.reason, { errors: [{ in: 'body', pointer: '/alphabet', message: checked.reason }] });
  const settings: InviteSettings = { ...input, alphabet: checked.alphabet, prefix: input.prefix.toUpperCase(), suffix: input.suffix.toUpperCase() };
  const now = deps.clock.now();
  const columns = {
    alphabet: settings.alphabet,
    body_length: settings.bodyLength,
    prefix: settings.prefix,
    suffix: settings.suffix,
    retention_days: settings.retentionDays,
    expiring_lead_hours: settings.expiringLeadHours,
    updated_at: now,
  };
  await deps.db.kysely.transaction().execute(async (tx) => {
    await tx
      .insertInto('invite_settings')
      .values({ workspace_id: workspaceId, ...columns })
      .onConflict((oc) => oc.column('workspace_id').doUpdateSet(columns))
      .execute();
    await insertAudit(tx, actor, { workspaceId, action: 'invite_settings.updated', targetType: 'workspace', targetId: workspaceId, details: settings }, now);
  });
  return settings;
}
