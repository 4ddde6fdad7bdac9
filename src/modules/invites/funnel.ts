import type { Deps } from '../../deps.ts';
import { AppError } from '../../errors.ts';
import { utcDay } from '../codes/tokens.ts';
import { findCampaign } from './campaigns.ts';
import { addDays, DAY_MS, dayStart } from './funnel-days.ts';
import { FUNNEL_DAYS_DEFAULT, FUNNEL_DAYS_MAX, type FunnelQuery, type FunnelStage, type FunnelView } from './funnel-schema.ts';
import { memberKey, userKey } from './party.ts';
import { findInvite } from './repository.ts';

/** Which funnel rows a query covers: the workspace's, or one code's, owner's or campaign's. */
type Scope = { column: 'invite_id' | 'owner_key' | 'campaign_id'; value: string } | null;

function queryIssue(field: string, message: string): AppError {
  return new AppError('validation_failed', `querystring/${field} ${message}`, { errors: [{ in: 'querystring', pointer: `/${field}`, message }] });
}

function rangeOf(query: FunnelQuery, now: number): { from: string; to: string; days: number } {
  const to = query.to ?? utcDay(now);
  if (dayStart(to) === null) throw queryIssue('to', 'is not a calendar day');
  const from = query.from ?? addDays(to, -(FUNNEL_DAYS_DEFAULT - 1));
  if (dayStart(from) === null) throw queryIssue('from', 'is not a calendar day');
  if (from > to) throw queryIssue('from', `is after to (${to})`);
  const days = (dayStart(to)! - dayStart(from)!) / DAY_MS + 1;
  if (days > FUNNEL_DAYS_MAX) throw queryIssue('from', `makes a range of ${days} days; at most ${FUNNEL_DAYS_MAX}`);
  return { from, to, days };
}

async function scopeOf(deps: Deps, workspaceId: string, query: FunnelQuery): Promise<Scope> {
  const given = (['inviteId', 'ownerUserId', 'ownerMemberId', 'campaignId'] as const).filter((name) => query[name] !== undefined);
  if (given.length > 1) throw queryIssue(given[1]!, `cannot be combined with ${given[0]}: give one of inviteId, ownerUserId, ownerMemberId, campaignId, or none for the whole workspace`);
  const db = deps.db.reader;
  if (query.inviteId !== undefined) {
    if (!(await findInvite(db, workspaceId, query.inviteId))) throw new AppError('not_found', 'No invite code with this id in this workspace');
    return { column: 'invite_id', value: query.inviteId };
  }
  if (query.ownerUserId !== undefined) return { column: 'owner_key', value: userKey(query.ownerUserId) };
  if (query.ownerMemberId !== undefined) {
    const member = await db.selectFrom('members').select(['id', 'external_user_id']).where('workspace_id', '=', workspaceId).where('id', '=', query.ownerMemberId).executeTakeFirst();
    if (!member) throw new AppError('not_found', 'No member with this id in this workspace');
    return { column: 'owner_key', value: memberKey(member) };
  }
  if (query.campaignId !== undefined) {
    if (!(await findCampaign(db, workspaceId, query.campaignId))) throw new AppError('not_found', 'No invite campaign with this id in this workspace');
    return { column: 'campaign_id', value: query.campaignId };
  }
  return null;
}

function rate(count: number, of: number): number | null {
  return of === 0 ? null : Math.round((count / of) * 10_000) / 10_000;
}

/**
 * The funnel of a code, an owner, a campaign or the whole workspace over UTC days from..to:
 * shown (impressions the integrator reported), clicked (short-link opens by people, from the click
 * counts the short-link route keeps), redeemed, active the next day and active on day 7 (of the
 * day's redemptions, the redeemers reported active on the day after / the 7th day after), with
 * totals, conversion rates and every day. Reads only the daily rows: the cost grows with the
 * codes × days in range, never with the impressions, clicks or redemptions behind them.
 */
export async function readFunnel(deps: Deps, workspaceId: string, query: FunnelQuery): Promise<FunnelView> {
  const { from, to, days: length } = rangeOf(query, deps.clock.now());
  const scope = await scopeOf(deps, workspaceId, query);
  const db = deps.db.reader;

  let funnel = db
    .selectFrom('invite_funnel_days')
    .select((eb) => [
      'day',
      eb.fn.sum<number>('shown').as('shown'),
      eb.fn.sum<number>('redeemed').as('redeemed'),
      eb.fn.sum<number>('active_next_day').as('active_next_day'),
      eb.fn.sum<number>('active_day7').as('active_day7'),
    ])
    .where('workspace_id', '=', workspaceId)
    .where('day', '>=', from)
    .where('day', '<=', to);
  let clicks = db
    .selectFrom('invite_click_days')
    .select((eb) => ['day', eb.fn.sum<number>('clicks').as('clicks'), eb.fn.sum<number>('bot_clicks').as('bot_clicks')])
    .where('workspace_id', '=', workspaceId)
    .where('day', '>=', from)
    .where('day', '<=', to);
  if (scope) {
    funnel = funnel.where(scope.column, '=', scope.value);
    clicks = clicks.where(scope.column, '=', scope.value);
  }
  const [funnelRows, clickRows] = await Promise.all([funnel.groupBy('day').execute(), clicks.groupBy('day').execute()]);

  const series = Array.from({ length }, (_, i) => ({ day: addDays(from, i), shown: 0, clicked: 0, redeemed: 0, activeNextDay: 0, activeDay7: 0 }));
  const index = new Map(series.map((d, i) => [d.day, i]));
  for (const row of funnelRows) {
    const day = series[index.get(row.day)!]!;
    day.shown = Number(row.shown);
    day.redeemed = Number(row.redeemed);
    day.activeNextDay = Number(row.active_next_day);
    day.activeDay7 = Number(row.active_day7);
  }
  let botClicks = 0;
  for (const row of clickRows) {
    series[index.get(row.day)!]!.clicked = Number(row.clicks);
    botClicks += Number(row.bot_clicks);
  }

  const total = (stage: FunnelStage) => series.reduce((sum, d) => sum + d[stage], 0);
  const stage = (name: FunnelStage, of: FunnelStage | null) => ({ stage: name, count: total(name), of, rate: of === null ? null : rate(total(name), total(of)) });
  return {
    from,
    to,
    timeZone: 'UTC',
    stages: [stage('shown', null), stage('clicked', 'shown'), stage('redeemed', 'clicked'), stage('activeNextDay', 'redeemed'), stage('activeDay7', 'redeemed')],
    botClicks,
    days: series,
  };
}
