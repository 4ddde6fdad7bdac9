import { Type } from 'typebox';
import type { Deps } from '../../deps.ts';
import { decodeCursor, PagedQuery, pageLimit, PageOf, toPage } from '../../http/pagination.ts';
import { NoContent, WorkspaceAnd, WorkspaceParams } from '../../http/schemas.ts';
import type { AppInstance } from '../../http/types.ts';
import { MAX_QR_IMAGE_BYTES } from '../live-codes/qr-image.ts';
import { QR_UPLOAD_BODY_LIMIT } from '../live-codes/qr-upload.ts';
import { GROUP_KINDS, GROUP_STATUSES, GroupChanges, GroupQrUpload, GroupView, NewGroup } from './schema.ts';
import { createGroup, getGroup, listGroups, presentGroup, removeGroupQr, setGroupQr, updateGroup } from './service.ts';

const tags = ['Groups'];
const GroupQuery = PagedQuery({
  kind: Type.Optional(Type.Enum(GROUP_KINDS)),
  status: Type.Optional(Type.Enum(GROUP_STATUSES)),
});

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

  app.put(
    '/workspaces/:workspaceId/groups/:groupId/qr',
    {
      config: { access: 'groups:manage' },
      bodyLimit: QR_UPLOAD_BODY_LIMIT,
      schema: {
        tags,
        summary: "Upload an external group's current group QR image",
        description: `A PNG or JPEG data: URL of the group's own QR (a screenshot or photo, at most ${MAX_QR_IMAGE_BYTES / 1024 / 1024} MiB and 16 megapixels), decoded now; the payload is stored as qrPayload and the landing page of the group's join codes shows it as a QR to long-press. It replaces the one uploaded before. Refusals: 422 not_an_image, 422 image_unreadable, 413 image_too_large, 422 no_qr_code; a hosted group, 400.`,
        params: WorkspaceAnd('groupId'),
        body: GroupQrUpload,
        response: { 200: GroupView },
      },
    },
    async (request) => setGroupQr(deps, request.actor, request.params.workspaceId, request.params.groupId, request.body),
  );

  app.delete(
    '/workspaces/:workspaceId/groups/:groupId/qr',
    { config: { access: 'groups:manage' }, schema: { tags, summary: "Remove an external group's group QR (its join link, if any, stays)", params: WorkspaceAnd('groupId'), response: { 204: NoContent } } },
    async (request, reply) => {
      await removeGroupQr(deps, request.actor, request.params.workspaceId, request.params.groupId);
      return reply.status(204).send(null);
    },
  );
}
