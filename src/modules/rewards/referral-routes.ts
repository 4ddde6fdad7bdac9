import { Type } from 'typebox';
import type { Deps } from '../../deps.ts';
import { decodeCursor } from '../../http/pagination.ts';
import { Id } from '../../http/schemas.ts';
import type { AppInstance } from '../../http/types.ts';
import { getDownline, getUpline } from './graph.ts';
import { Downline, DownlineQuery, PartyKey, Upline } from './schema.ts';

const tags = ['Referrals'];
const PartyParams = Type.Object({ workspaceId: Id, party: PartyKey }, { additionalProperties: false });

export async function referralRoutes(app: AppInstance, deps: Deps): Promise<void> {
  app.get(
    '/workspaces/:workspaceId/referrals/:party/downline',
    {
      config: { access: 'rewards:read' },
      schema: {
        tags,
        summary: "A party's downline: people per level, and one level listed",
        description:
          "The party is u:<your user id> or m:<member id>. levels counts the people 1 to referralDepth levels below (level 1 = those they invited); items lists the chosen level newest first with each person's own direct invitees and their purchases net of refunds. 404 for a party the workspace does not know.",
        params: PartyParams,
        querystring: DownlineQuery,
        response: { 200: Downline },
      },
    },
    async (request) => {
      const { query } = request;
      return getDownline(deps, request.params.workspaceId, request.params.party, { level: query.level ?? 1, before: decodeCursor(query.cursor), limit: query.limit ?? 50 });
    },
  );

  app.get(
    '/workspaces/:workspaceId/referrals/:party/upline',
    {
      config: { access: 'rewards:read' },
      schema: {
        tags,
        summary: "A party's upline: their inviter, their inviter's inviter, … up to referralDepth",
        params: PartyParams,
        response: { 200: Upline },
      },
    },
    async (request) => getUpline(deps, request.params.workspaceId, request.params.party),
  );
}
