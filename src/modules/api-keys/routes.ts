import { Type } from 'typebox';
import type { Deps } from '../../deps.ts';
import { decodeCursor, PageOf, PageQuery, pageLimit, toPage } from '../../http/pagination.ts';
import { Name, NoContent, NullableTimestamp, Timestamp, WorkspaceAnd, WorkspaceParams } from '../../http/schemas.ts';
import type { AppInstance } from '../../http/types.ts';
import { API_KEY_SCOPES } from '../staff/permissions.ts';
import { createApiKey, listApiKeys, presentApiKey, revokeApiKey } from './service.ts';

const Scope = Type.Enum(API_KEY_SCOPES);
const ApiKey = Type.Object({
  id: Type.String(),
  name: Type.String(),
  prefix: Type.String(),
  scopes: Type.Array(Type.String()),
  ipAllowList: Type.Array(Type.String()),
  createdAt: Timestamp,
  lastUsedAt: NullableTimestamp,
  revokedAt: NullableTimestamp,
});
const tags = ['API keys'];

export async function apiKeyRoutes(app: AppInstance, deps: Deps): Promise<void> {
  app.get(
    '/api-key-scopes',
    { config: { access: 'public' }, schema: { tags, summary: 'Scopes an API key may be given', security: [], response: { 200: Type.Object({ items: Type.Array(Type.String()) }) } } },
    async () => ({ items: API_KEY_SCOPES }),
  );

  app.get(
    '/workspaces/:workspaceId/api-keys',
    { config: { access: 'api_keys:read' }, schema: { tags, summary: 'List API keys (never their secrets)', params: WorkspaceParams, querystring: PageQuery, response: { 200: PageOf(ApiKey) } } },
    async (request) => {
      const limit = pageLimit(request.query);
      const rows = await listApiKeys(deps, request.params.workspaceId, decodeCursor(request.query.cursor), limit + 1);
      return toPage(rows, limit, presentApiKey);
    },
  );

  app.post(
    '/workspaces/:workspaceId/api-keys',
    {
      config: { access: 'api_keys:manage', idempotent: true },
      schema: {
        tags,
        summary: 'Create an API key',
        description: 'The secret is in this response only; joincode stores just its hash. An empty ipAllowList allows every address.',
        params: WorkspaceParams,
        body: Type.Object(
          {
            name: Name,
            scopes: Type.Array(Scope, { minItems: 1, maxItems: 50, uniqueItems: true }),
            ipAllowList: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 100 })),
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Intersect([ApiKey, Type.Object({ secret: Type.String() })]) },
      },
    },
    async (request, reply) => {
      const actor = { ...request.actor, id: request.actor.id! };
      const key = await createApiKey(deps, actor, request.params.workspaceId, { ...request.body, ipAllowList: request.body.ipAllowList ?? [] });
      return reply.status(201).send(key);
    },
  );

  app.delete(
    '/workspaces/:workspaceId/api-keys/:apiKeyId',
    { config: { access: 'api_keys:manage' }, schema: { tags, summary: 'Revoke an API key', params: WorkspaceAnd('apiKeyId'), response: { 204: NoContent } } },
    async (request, reply) => {
      await revokeApiKey(deps, request.actor, request.params.workspaceId, request.params.apiKeyId);
      return reply.status(204).send(null);
    },
  );
}
