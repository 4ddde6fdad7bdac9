import { isUniqueViolation, type Executor } from '../../db/index.ts';
import type { Deps } from '../../deps.ts';
import { AppError } from '../../errors.ts';
import type { Actor } from '../audit/actor.ts';
import { insertAudit } from '../audit/repository.ts';
import { utcDay } from '../codes/tokens.ts';
import { normalizeCode } from './alphabet.ts';
import { fieldIssue, findCampaign } from './campaigns.ts';
import { findInvite, type InviteRow } from './repository.ts';
import type { LinkSettings, ShortLinkView } from './short-links-schema.ts';

/**
 * Short links: PUBLIC_URL/i/CODE for every code, and PUBLIC_URL/i/SUFFIX for a code given a custom
 * suffix (seed: 短链接配合自定义尾缀, e.g. "立即领券-XXX"). The path carries no workspace, so a
 * suffix is unique across the instance (first come, first served), and a code is looked up across
 * workspaces: random codes practically never repeat between workspaces, and when one does the
 * link is ambiguous rather than anyone's. Suffixes are tried before codes, and a suffix that
 * reads as an existing code is refused, so neither can hijack the other.
 */

export const SUFFIX_MAX_LENGTH = 40;
/** Letters of any script (立即领券 included), digits, - and _; at least one letter or digit. */
const SUFFIX_SHAPE = /^(?=.*[\p{L}\p{Nd}])[\p{L}\p{Nd}_-]+$/u;

export function shortLinkUrl(publicUrl: string, key: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/i/${encodeURIComponent(key)}`;
}

/** The stored form of a suffix: NFKC (full-width letters become ASCII), trimmed, lower case. */
export function normalizeSuffix(input: string): string {
  return input.normalize('NFKC').trim().toLowerCase();
}

/** Why a normalized suffix cannot be used, or null when its shape is fine. */
export function suffixProblem(suffix: string): string | null {
  if (suffix.length === 0 || [...suffix].length > SUFFIX_MAX_LENGTH) return `must have 1 to ${SUFFIX_MAX_LENGTH} characters`;
  if (!SUFFIX_SHAPE.test(suffix)) return 'may only use letters (any script), digits, - and _';
  return null;
}

/**
 * The suffixes some code already uses, or that read as an existing code (either would make
 * /i/SUFFIX ambiguous), across workspaces; `exceptInviteId`'s own suffix and code do not count.
 */
export async function takenSuffixes(db: Executor, suffixes: readonly string[], exceptInviteId?: string): Promise<Set<string>> {
  const taken = new Set<string>();
  for (let at = 0; at < suffixes.length; at += 500) {
    const chunk = suffixes.slice(at, at + 500);
    const asCodes = new Map(chunk.map((suffix) => [normalizeCode(suffix), suffix]));
    const used = await db
      .selectFrom('invites')
      .select(['link_suffix', 'code'])
      .where((eb) => eb.or([eb('link_suffix', 'in', chunk), eb('code', 'in', [...asCodes.keys()].filter(Boolean))]))
      .$if(exceptInviteId !== undefined, (q) => q.where('id', '!=', exceptInviteId!))
      .execute();
    for (const row of used) {
      if (row.link_suffix !== null && chunk.includes(row.link_suffix)) taken.add(row.link_suffix);
      const readAs = asCodes.get(row.code);
      if (readAs !== undefined) taken.add(readAs);
    }
  }
  return taken;
}

function takenError(suffix: string): AppError {
  return new AppError('invite_link_suffix_taken', `The suffix “${suffix}” is used by another code (or reads as one); choose another`, { suffix });
}

async function clicksOf(db: Executor, inviteId: string): Promise<{ clicks: number; botClicks: number }> {
  const row = await db
    .selectFrom('invite_click_days')
    .select((eb) => [eb.fn.coalesce(eb.fn.sum<number | string>('clicks'), eb.lit(0)).as('clicks'), eb.fn.coalesce(eb.fn.sum<number | string>('bot_clicks'), eb.lit(0)).as('bot')])
    .where('invite_id', '=', inviteId)
    .executeTakeFirstOrThrow();
  return { clicks: Number(row.clicks), botClicks: Number(row.bot) };
}

async function present(deps: Deps, row: InviteRow): Promise<ShortLinkView> {
  const { publicUrl } = deps.config;
  return {
    code: row.code,
    url: shortLinkUrl(publicUrl, row.code),
    suffix: row.link_suffix,
    suffixUrl: row.link_suffix === null ? null : shortLinkUrl(publicUrl, row.link_suffix),
    ...(await clicksOf(deps.db.kysely, row.id)),
  };
}

async function mustFindInvite(db: Executor, workspaceId: string, inviteId: string): Promise<InviteRow> {
  const row = await findInvite(db, workspaceId, inviteId);
  if (!row) throw new AppError('not_found', 'No such invite code');
  return row;
}

export async function getShortLink(deps: Deps, workspaceId: string, inviteId: string): Promise<ShortLinkView> {
  return present(deps, await mustFindInvite(deps.db.kysely, workspaceId, inviteId));
}

/** Sets or clears a code's custom suffix (audited). Archived codes keep theirs. */
export async function setLinkSuffix(deps: Deps, actor: Actor, workspaceId: string, inviteId: string, input: string | null): Promise<ShortLinkView> {
  const suffix = input === null ? null : normalizeSuffix(input);
  const problem = suffix === null ? null : suffixProblem(suffix);
  if (problem) throw fieldIssue('suffix', problem);
  const now = deps.clock.now();
  try {
    const row = await deps.db.kysely.transaction().execute(async (tx) => {
      const current = await mustFindInvite(tx, workspaceId, inviteId);
      if (current.archived_at !== null) throw new AppError('invite_archived', 'The code is archived history; its short link cannot change');
      if (suffix !== null && (await takenSuffixes(tx, [suffix], inviteId)).has(suffix)) throw takenError(suffix);
      await tx.updateTable('invites').set({ link_suffix: suffix, updated_at: now }).where('id', '=', inviteId).execute();
      await insertAudit(tx, actor, { workspaceId, action: 'invite.link_suffix_set', targetType: 'invite', targetId: inviteId, details: { suffix, previous: current.link_suffix } }, now);
      return { ...current, link_suffix: suffix, updated_at: now };
    });
    return present(deps, row);
  } catch (error) {
    // Two workspaces claiming the same suffix at once: the unique index lets one win.
    if (suffix !== null && isUniqueViolation(error)) throw takenError(suffix);
    throw error;
  }
}

export const DEFAULT_LINK_SETTINGS: LinkSettings = { appUrl: null };

export async function getLinkSettings(db: Executor, workspaceId: string): Promise<LinkSettings> {
  const row = await db.selectFrom('invite_link_settings').select('app_url').where('workspace_id', '=', workspaceId).executeTakeFirst();
  return row ? { appUrl: row.app_url } : DEFAULT_LINK_SETTINGS;
}

/** The app address with the code: in place of {code}, or as a `code` query parameter. */
export function appLink(appUrl: string, code: string): string {
  if (appUrl.includes('{code}')) return appUrl.replaceAll('{code}', encodeURIComponent(code));
  const url = new URL(appUrl);
  url.searchParams.set('code', code);
  return url.toString();
}

export async function putLinkSettings(deps: Deps, actor: Actor, workspaceId: string, input: LinkSettings): Promise<LinkSettings> {
  if (input.appUrl !== null) {
    try {
      const url = new URL(appLink(input.appUrl, 'CODE'));
      if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new TypeError('not http(s)');
    } catch {
      throw fieldIssue('appUrl', 'must be an http(s) address; {code} marks where the code goes');
    }
  }
  const now = deps.clock.now();
  await deps.db.kysely.transaction().execute(async (tx) => {
    await tx
      .insertInto('invite_link_settings')
      .values({ workspace_id: workspaceId, app_url: input.appUrl, updated_at: now })
      .onConflict((oc) => oc.column('workspace_id').doUpdateSet({ app_url: input.appUrl, updated_at: now }))
      .execute();
    await insertAudit(tx, actor, { workspaceId, action: 'invite_link_settings.updated', targetType: 'workspace', targetId: workspaceId, details: input }, now);
  });
  return input;
}

export type LinkTarget = { kind: 'found'; invite: InviteRow } | { kind: 'unknown' } | { kind: 'ambiguous' };

/** What /i/KEY opens: the code whose suffix it is, else the code it spells (in any case, with spaces or dashes). */
export async function resolveShortLink(db: Executor, key: string): Promise<LinkTarget> {
  const suffix = normalizeSuffix(key);
  if (suffixProblem(suffix) === null) {
    const bySuffix = await db.selectFrom('invites').selectAll().where('link_suffix', '=', suffix).executeTakeFirst();
    if (bySuffix) return { kind: 'found', invite: bySuffix };
  }
  const code = normalizeCode(key);
  if (code === '') return { kind: 'unknown' };
  const rows = await db.selectFrom('invites').selectAll().where('code', '=', code).limit(2).execute();
  if (rows.length === 0) return { kind: 'unknown' };
  return rows.length === 1 ? { kind: 'found', invite: rows[0]! } : { kind: 'ambiguous' };
}

/** One more open of the code's link today (UTC), kept apart for crawlers; one statement, durable before the page goes out. */
export async function recordClick(db: Executor, invite: InviteRow, bot: boolean, now: number): Promise<void> {
  await db
    .insertInto('invite_click_days')
    .values({
      invite_id: invite.id,
      day: utcDay(now),
      workspace_id: invite.workspace_id,
      owner_key: invite.owner_key,
      campaign_id: invite.campaign_id,
      clicks: bot ? 0 : 1,
      bot_clicks: bot ? 1 : 0,
    })
    .onConflict((oc) =>
      oc.columns(['invite_id', 'day']).doUpdateSet((eb) => ({
        clicks: eb('invite_click_days.clicks', '+', bot ? 0 : 1),
        bot_clicks: eb('invite_click_days.bot_clicks', '+', bot ? 1 : 0),
      })),
    )
    .execute();
}

/** The campaign's name for the landing page, when the code has one. */
export async function campaignName(db: Executor, invite: InviteRow): Promise<string | null> {
  if (invite.campaign_id === null) return null;
  return (await findCampaign(db, invite.workspace_id, invite.campaign_id))?.name ?? null;
}
