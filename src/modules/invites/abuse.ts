import { sql } from 'kysely';
import { toIso } from '../../clock.ts';
import type { Executor } from '../../db/index.ts';
import { AppError } from '../../errors.ts';
import { recordEvent } from '../events/outbox.ts';
import { classifyUserAgent } from '../scans/user-agent.ts';
import type { RedeemWatch } from './abuse-limits.ts';
import { thresholdOf, type AbuseKind } from './abuse-settings.ts';
import type { InviteRow, RedemptionRow } from './repository.ts';
import { ownerOf } from './service.ts';

/** Kept in the bot alert so staff can see which tool it was; real user agents are shorter. */
const USER_AGENT_IN_ALERT = 300;

interface Subject {
  kind: AbuseKind;
  subject: string;
  redemptions: number;
  windowMs: number;
}

/** The counters this redemption adds to, in a fixed order (network, owner, bot network) so concurrent transactions lock them alike. */
function subjectsOf(watch: RedeemWatch, invite: InviteRow, redemption: RedemptionRow): Subject[] {
  const subjects: Subject[] = [];
  const add = (kind: AbuseKind, subject: string) => {
    const threshold = thresholdOf(watch.settings, kind);
    if (threshold) subjects.push({ kind, subject, redemptions: threshold.redemptions, windowMs: threshold.windowMinutes * 60_000 });
  };
  const knownNetwork = redemption.network !== 'unknown';
  if (knownNetwork) add('network_burst', redemption.network);
  add('owner_burst', invite.owner_key);
  if (knownNetwork && watch.userAgent !== null && classifyUserAgent(watch.userAgent).bot) add('bot_user_agent', redemption.network);
  return subjects;
}

function alertPayload(kind: AbuseKind, watch: RedeemWatch, invite: InviteRow, redemption: RedemptionRow, window: { start: number; end: number; count: number; threshold: number }) {
  return {
    kind,
    ...(kind === 'owner_burst' ? { owner: ownerOf(invite) } : { network: redemption.network }),
    ...(kind === 'bot_user_agent' ? { userAgent: (watch.userAgent ?? '').slice(0, USER_AGENT_IN_ALERT) } : {}),
    redemptions: window.count,
    threshold: window.threshold,
    windowStart: toIso(window.start),
    windowEnd: toIso(window.end),
    blocking: watch.settings.blockOnAlert,
    redemption: { redemptionId: redemption.id, inviteId: invite.id, code: invite.code, redeemerId: redemption.redeemer_id, device: redemption.device },
  };
}

/**
 * Counts a redemption against the workspace's alert thresholds, in the redeeming transaction.
 * Each (kind, subject) has a counter per fixed window (window start = now rounded down to a
 * multiple of the window length): one upsert raises all of this redemption's counters and returns
 * them. The redemption that brings a counter to its threshold marks the window alerted (a
 * conditional update, so on PostgreSQL, where the upsert's row lock is held to commit, and on
 * SQLite's single writer alike, exactly one transaction per window fires) and records
 * invite.abuse_suspected. Alerts never refuse anything, unless the workspace blocks on alert: then
 * a redemption that finds its window already alerted is refused, and the rollback takes its count back.
 */
export async function watchRedemption(tx: Executor, watch: RedeemWatch, invite: InviteRow, redemption: RedemptionRow, now: number): Promise<void> {
  const subjects = subjectsOf(watch, invite, redemption);
  if (subjects.length === 0) return;
  const rows = await tx
    .insertInto('invite_abuse_windows')
    .values(
      subjects.map((s) => {
        const start = Math.floor(now / s.windowMs) * s.windowMs;
        return { workspace_id: invite.workspace_id, kind: s.kind, subject: s.subject, window_start: start, window_end: start + s.windowMs, redemptions: 1, alerted_at: null };
      }),
    )
    .onConflict((oc) => oc.columns(['workspace_id', 'kind', 'subject', 'window_start']).doUpdateSet({ redemptions: sql<number>`invite_abuse_windows.redemptions + 1` }))
    .returning(['kind', 'subject', 'window_start', 'window_end', 'redemptions', 'alerted_at'])
    .execute();
  for (const row of rows) {
    const subject = subjects.find((s) => s.kind === row.kind)!;
    if (row.alerted_at !== null) {
      if (watch.settings.blockOnAlert) throw heldBack(row.kind as AbuseKind, row.window_end, now);
      continue;
    }
    if (row.redemptions < subject.redemptions) continue;
    const marked = await tx
      .updateTable('invite_abuse_windows')
      .set({ alerted_at: now })
      .where('workspace_id', '=', invite.workspace_id)
      .where('kind', '=', row.kind)
      .where('subject', '=', row.subject)
      .where('window_start', '=', row.window_start)
      .where('alerted_at', 'is', null)
      .executeTakeFirst();
    if (Number(marked.numUpdatedRows) === 0) continue;
    const window = { start: row.window_start, end: row.window_end, count: row.redemptions, threshold: subject.redemptions };
    await recordEvent(tx, { workspaceId: invite.workspace_id, type: 'invite.abuse_suspected', payload: alertPayload(subject.kind, watch, invite, redemption, window) }, now);
  }
}

function heldBack(kind: AbuseKind, windowEnd: number, now: number): AppError {
  const whose = kind === 'owner_burst' ? "this owner's codes" : kind === 'network_burst' ? 'this network' : 'automated clients on this network';
  const retryAfterSeconds = Math.max(1, Math.ceil((windowEnd - now) / 1000));
  return new AppError('invite_redemptions_held', `Redemptions of ${whose} are held back after an abuse alert (${kind}) until ${toIso(windowEnd)}`, {
    kind,
    retryAfterSeconds,
  });
}
