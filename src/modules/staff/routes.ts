import { Type } from 'typebox';
import type { Deps } from '../../deps.ts';
import { decodeCursor, PageOf, PageQuery, pageLimit, toPage } from '../../http/pagination.ts';
import { Email, NoContent, Timestamp, WorkspaceAnd, WorkspaceParams } from '../../http/schemas.ts';
import type { AppInstance } from '../../http/types.ts';
import { ROLES } from './permissions.ts';
import { inviteStaff, listInvitations, presentInvitation, revokeInvitation } from './invitations.ts';
import { changeRole, listStaff, removeStaff } from './members.ts';

const RoleSchema = Type.Enum(ROLES);
const StaffMember = Type.Object({ staffId: Type.String(), email: Type.String(), displayName: Type.String(), role: RoleSchema, joinedAt: Timestamp });
const Invitation = Type.Object({
  id: Type.String(),
  email: Type.String(),
  role: RoleSchema,
  status: Type.Union([Type.Literal('pending'), Type.Literal('accepted'), Type.Literal('revoked'), Type.Literal('expired')]),
  createdAt: Timestamp,
  expiresAt: Timestamp,
});
const tags = ['Staff'];

/** Staff of a workspace: members with roles, and invitations. */
export async function staffRoutes(app: AppInstance, deps: Deps): Promise<void> {
  app.get(
    '/workspaces/:workspaceId/staff',
    { config: { access: 'staff:read' }, schema: { tags, summary: 'List staff and their roles', params: WorkspaceParams, querystring: PageQuery, response: { 200: PageOf(StaffMember) } } },
    async (request) => {
      const limit = pageLimit(request.query);
      const rows = await listStaff(deps, request.params.workspaceId, decodeCursor(request.query.cursor), limit + 1);
      return toPage(rows, limit, ({ id: _id, ...member }) => member);
    },
  );

  app.patch(
    '/workspaces/:workspaceId/staff/:staffId',
    {
      config: { access: 'staff:manage' },
      schema: { tags, summary: "Change a staff member's role", params: WorkspaceAnd('staffId'), body: Type.Object({ role: RoleSchema }, { additionalProperties: false }), response: { 204: NoContent } },
    },
    async (request, reply) => {
      await changeRole(deps, request.actor, request.params.workspaceId, request.params.staffId, request.body.role);
      return reply.status(204).send(null);
    },
  );

  app.delete(
    '/workspaces/:workspaceId/staff/:staffId',
    { config: { access: 'staff:manage' }, schema: { tags, summary: 'Remove a staff member from the workspace', params: WorkspaceAnd('staffId'), response: { 204: NoContent } } },
    async (request, reply) => {
      await removeStaff(deps, request.actor, request.params.workspaceId, request.params.staffId);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/workspaces/:workspaceId/invitations',
    { config: { access: 'staff:read' }, schema: { tags, summary: 'List staff invitations', params: WorkspaceParams, querystring: PageQuery, response: { 200: PageOf(Invitation) } } },
    async (request) => {
      const limit = pageLimit(request.query);
      const rows = await listInvitations(deps, request.params.workspaceId, decodeCursor(request.query.cursor), limit + 1);
      const now = deps.clock.now();
      return toPage(rows, limit, (row) => presentInvitation(row, now));
    },
  );

  app.post(
    '/workspaces/:workspaceId/invitations',
    {
      config: { access: 'staff:manage', idempotent: true },
      schema: {
        tags,
        summary: 'Invite a person to the staff by email',
        description: 'The accept link is mailed and returned here once; it is valid for 7 days.',
        params: WorkspaceParams,
        body: Type.Object({ email: Email, role: RoleSchema }, { additionalProperties: false }),
        response: { 201: Type.Object({ invitation: Invitation, acceptUrl: Type.String() }) },
      },
    },
    async (request, reply) => {
      const actor = { ...request.actor, id: request.actor.id! };
      return reply.status(201).send(await inviteStaff(deps, actor, request.params.workspaceId, request.body));
    },
  );

  app.delete(
    '/workspaces/:workspaceId/invitations/:invitationId',
    { config: { access: 'staff:manage' }, schema: { tags, summary: 'Revoke a pending invitation', params: WorkspaceAnd('invitationId'), response: { 204: NoContent } } },
    async (request, reply) => {
      await revokeInvitation(deps, request.actor, request.params.workspaceId, request.params.invitationId);
      return reply.status(204).send(null);
    },
  );
}
