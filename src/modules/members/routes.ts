import { Type } from 'typebox';
import type { Deps } from '../../deps.ts';
import { NullableTimestamp, WorkspaceParams } from '../../http/schemas.ts';
import type { AppInstance } from '../../http/types.ts';
import { getIntegrationSecret, rotateIntegrationSecret } from './integration.ts';

const tags = ['Members'];
const IntegrationSecret = Type.Object({
  secret: Type.Union([Type.String(), Type.Null()], { description: 'The HS256 key for identity tokens; null until the first rotation creates one' }),
  createdAt: NullableTimestamp,
  previousValidUntil: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], { description: 'Until when the secret replaced by the latest rotation still verifies tokens' }),
});
const Rotate = Type.Object(
  {
    previousValidMinutes: Type.Integer({
      minimum: 0,
      maximum: 1440,
      description: 'How long the replaced secret keeps verifying tokens (0: it stops at once, e.g. after a leak)',
    }),
  },
  { additionalProperties: false },
);

/** The workspace's integration secret for "bring your own users" identity tokens (owners only). */
export async function memberApiRoutes(app: AppInstance, deps: Deps): Promise<void> {
  app.get(
    '/workspaces/:workspaceId/integration-secret',
    {
      config: { access: 'integration:manage' },
      schema: {
        tags,
        summary: 'The integration secret for member identity tokens',
        description: 'Your server signs an HS256 JWT {sub, name, iat, exp ≤ 1 h ahead, aud: workspace id} with this secret and sends the member to /j/<token>/join?identity=<jwt>.',
        params: WorkspaceParams,
        response: { 200: IntegrationSecret },
      },
    },
    async (request) => getIntegrationSecret(deps, request.params.workspaceId),
  );

  app.post(
    '/workspaces/:workspaceId/integration-secret/rotate',
    {
      config: { access: 'integration:manage' },
      schema: {
        tags,
        summary: 'Create or replace the integration secret',
        description: 'The new secret signs from now on; the replaced one keeps verifying for previousValidMinutes.',
        params: WorkspaceParams,
        body: Rotate,
        response: { 200: IntegrationSecret },
      },
    },
    async (request) => rotateIntegrationSecret(deps, request.actor, request.params.workspaceId, request.body.previousValidMinutes),
  );
}
