import type { Deps } from '../../deps.ts';
import { WorkspaceParams } from '../../http/schemas.ts';
import type { AppInstance } from '../../http/types.ts';
import { AbuseSettings, getAbuseSettings, putAbuseSettings } from './abuse-settings.ts';

const tags = ['Invite codes'];

export async function inviteAbuseRoutes(app: AppInstance, deps: Deps): Promise<void> {
  app.get(
    '/workspaces/:workspaceId/invite-abuse-settings',
    { config: { access: 'invites:read' }, schema: { tags, summary: "The workspace's redeem rate limits and abuse alert thresholds", params: WorkspaceParams, response: { 200: AbuseSettings } } },
    async (request) => getAbuseSettings(deps.db.kysely, request.params.workspaceId),
  );

  app.put(
    '/workspaces/:workspaceId/invite-abuse-settings',
    {
      config: { access: 'invites:manage' },
      schema: {
        tags,
        summary: "Replace the workspace's redeem rate limits and abuse alert thresholds",
        description:
          'All fields are required; null switches a limit or an alert off. Alerts (invite.abuse_suspected) fire once per window and never refuse a redemption unless blockOnAlert is true. Audited.',
        params: WorkspaceParams,
        body: AbuseSettings,
        response: { 200: AbuseSettings },
      },
    },
    async (request) => putAbuseSettings(deps, request.actor, request.params.workspaceId, request.body),
  );
}
