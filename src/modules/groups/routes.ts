import { Type } from 'typebox';
import type { Deps } from '../../deps.ts';
import { decodeCursor, PageOf, pageLimit, toPage } from '../../http/pagination.ts';
import { WorkspaceAnd, WorkspaceParams } from '../../http/schemas.ts';
import type { AppInstance } from '../../http/types.ts';
import { GROUP_KINDS, GROUP_STATUSES, GroupChanges, GroupView, NewGroup } from './schema.ts';
import { createGroup, getGroup, listGroups, presentGroup, updateGroup } from './service.ts';

const tags = ['Groups'];
const GroupQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
    cursor: Type.Optional(Type.String({ maxLength: 200 })),
    kind: Type.Optional(Type.Enum(GROUP_KINDS)),
    status: Type.Optional(Type.Enum(GROUP_STATUSES)),
  },
  { additionalProperties: false },
);

export async function groupRoutes(app: AppInstance, deps: Deps): Promise<void> {
  app.get(
    '/workspaces/:workspaceId/groups',
    { config: { access: 'groups:read' }, schema: { tags, summary: 'List groups, newest first', params: WorkspaceParams, querystring: GroupQuery, response: { 200: PageOf(GroupView) } } },
    async (request) => {
      const limit = pageLimit(request.query);
      const rows = await listGroups(deps.db.kysely, request.params.workspaceId, {
        kind: request.query.kind,
        status: request.query.status,
        before: decodeCursor(request.query.cursor),
        limit: limit + 1,
      });
      return toPage(rows, limit, presentGroup);
    },
  );

  app.post(
    '/workspaces/:workspaceId/groups',
    {
      config: { access: 'groups:manage', idempotent: true },
      schema: {
        tags,
        summary: 'Create a hosted or external group',
        description: "Hosted groups live in joincode; external groups are on another platform (give its platform and, if it has one, its join link). Capacity defaults to the plan's member cap.",
        params: WorkspaceParams,
        body: NewGroup,
        response: { 201: GroupView },
      },
    },
    async (request, reply) => reply.status(201).send(await createGroup(deps, request.actor, request.params.workspaceId, request.body)),
  );

  app.get(
    '/workspaces/:workspaceId/groups/:groupId',
    { config: { access: 'groups:read' }, schema: { tags, summary: 'A group', params: WorkspaceAnd('groupId'), response: { 200: GroupView } } },
    async (request) => getGroup(deps.db.kysely, request.params.workspaceId, request.params.groupId),
  );

  app.patch(
    '/workspaces/:workspaceId/groups/:groupId',
    {
      config: { access: 'groups:manage' },
      schema: { tags, summary: 'Edit or archive a group', params: WorkspaceAnd('groupId'), body: GroupChanges, response: { 200: GroupView } },
    },
    async (request) => updateGroup(deps, request.actor, request.params.workspaceId, request.params.groupId, request.body),
  );
}
