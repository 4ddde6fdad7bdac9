import type { Deps } from '../../deps.ts';
import { WorkspaceParams } from '../../http/schemas.ts';
import type { AppInstance } from '../../http/types.ts';
import { recordActivity } from './activity.ts';
import { readFunnel } from './funnel.ts';
import { recordImpressions } from './funnel-impressions.ts';
import { ActivityReport, ActivityResult, FunnelQuery, FunnelView, ImpressionReport, ImpressionResult, MAX_REPORT_ITEMS } from './funnel-schema.ts';

const tags = ['Invite codes'];

export async function inviteFunnelRoutes(app: AppInstance, deps: Deps): Promise<void> {
  app.post(
    '/workspaces/:workspaceId/invites/impressions',
    {
      config: { access: 'invites:manage' },
      schema: {
        tags,
        summary: 'Report how often invite codes were shown',
        description: `The funnel's first stage. Up to ${MAX_REPORT_ITEMS} items { code, day (UTC, YYYY-MM-DD), count } per report; counts add to the code's day. Idempotent by your reportId: a resend with the same items answers again with replayed: true and counts nothing, the same id with other items is refused with 409 invite_report_conflict. An unknown code, a day in the future or before the code was created, or a negative count refuses the whole report (400, naming each item).`,
        params: WorkspaceParams,
        body: ImpressionReport,
        response: { 200: ImpressionResult },
      },
    },
    async (request) => recordImpressions(deps, request.params.workspaceId, request.body),
  );

  app.post(
    '/workspaces/:workspaceId/invites/activity',
    {
      config: { access: 'invites:manage' },
      schema: {
        tags,
        summary: 'Report which users were active on which days',
        description: `Retention (次留 and day 7). Up to ${MAX_REPORT_ITEMS} items { userId, day (UTC, YYYY-MM-DD) } per report. A redemption made on UTC day D counts as active the next day when its redeemer is reported for D+1, and active on day 7 when reported for D+7; each counts once however often it is reported. Users without a redemption on the matching day count for nothing and are not stored. Idempotent by reportId as impressions are; a day in the future refuses the report.`,
        params: WorkspaceParams,
        body: ActivityReport,
        response: { 200: ActivityResult },
      },
    },
    async (request) => recordActivity(deps, request.params.workspaceId, request.body),
  );

  app.get(
    '/workspaces/:workspaceId/invites/funnel',
    {
      config: { access: 'invites:read' },
      schema: {
        tags,
        summary: 'The invite funnel: shown → clicked → redeemed → active the next day → active on day 7',
        description:
          'For one code (inviteId), owner (ownerUserId or ownerMemberId), campaign (campaignId), or without any of them the whole workspace, over UTC days from..to (default the last 30, at most 366). Stages with totals and rates (each over the previous stage; both retention stages over redeemed), and every day. Retention counts belong to the redemption day: the day-7 count of a day keeps growing until that day + 7 has been reported.',
        params: WorkspaceParams,
        querystring: FunnelQuery,
        response: { 200: FunnelView },
      },
    },
    async (request) => readFunnel(deps, request.params.workspaceId, request.query),
  );
}
