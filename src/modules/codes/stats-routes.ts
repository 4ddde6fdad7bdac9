import type { Deps } from '../../deps.ts';
import { WorkspaceAnd } from '../../http/schemas.ts';
import type { AppInstance } from '../../http/types.ts';
import { CodeStats, codeStats, STATS_DAYS_DEFAULT, StatsQuery } from './stats.ts';

export async function codeStatsRoutes(app: AppInstance, deps: Deps): Promise<void> {
  app.get(
    '/workspaces/:workspaceId/codes/:codeId/stats',
    {
      config: { access: 'codes:read' },
      schema: {
        tags: ['Codes'],
        summary: 'Scans, admitted scans and joins of a join code per UTC day, by channel',
        description:
          'Every UTC day of the last `days` days (today included) appears, zeros included. Scans count every recorded scan, refusals included; admitted are those that reached the landing page or its password form; joins are memberships made through the code, by their join day. Channels are tags.channel, else utm_source, else "" (untagged).',
        params: WorkspaceAnd('codeId'),
        querystring: StatsQuery,
        response: { 200: CodeStats },
      },
    },
    async (request) => codeStats(deps, request.params.workspaceId, request.params.codeId, request.query.days ?? STATS_DAYS_DEFAULT),
  );
}
