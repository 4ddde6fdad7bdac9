import type { Deps } from '../../deps.ts';
import { WorkspaceParams } from '../../http/schemas.ts';
import type { AppInstance } from '../../http/types.ts';
import { getReserve, putReserveSettings } from './reserve.ts';
import { ReserveSettings, ReserveView } from './reserve-schema.ts';

const tags = ['Invite codes'];

export async function inviteReserveRoutes(app: AppInstance, deps: Deps): Promise<void> {
  app.get(
    '/workspaces/:workspaceId/invite-reserve',
    { config: { access: 'invites:read' }, schema: { tags, summary: "The workspace's reserve pool: settings and codes ready", params: WorkspaceParams, response: { 200: ReserveView } } },
    async (request) => getReserve(deps, request.params.workspaceId),
  );

  app.put(
    '/workspaces/:workspaceId/invite-reserve',
    {
      config: { access: 'invites:manage' },
      schema: {
        tags,
        summary: "Set the workspace's reserve pool",
        description:
          'A top-up job keeps targetSize unassigned codes ready (every 5 minutes, and right after this call), in the current format. With onThrottle, an owner over the daily quota is handed one of them by POST …/invites (origin reserve) instead of 429, within perOwnerPerDay, until the reserve is empty. Target 0 empties the reserve; a lower target keeps the codes it has. Audited.',
        params: WorkspaceParams,
        body: ReserveSettings,
        response: { 200: ReserveView },
      },
    },
    async (request) => putReserveSettings(deps, request.actor, request.params.workspaceId, request.body),
  );
}
