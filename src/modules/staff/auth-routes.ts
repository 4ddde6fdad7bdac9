import type { FastifyReply } from 'fastify';
import { Type } from 'typebox';
import type { Deps } from '../../deps.ts';
import { Email, Name, NoContent, Password, Timestamp } from '../../http/schemas.ts';
import type { AppInstance } from '../../http/types.ts';
import { listWorkspacesOf } from '../workspaces/service.ts';
import { acceptInvitation, previewInvitation } from './invitations.ts';
import { ROLES } from './permissions.ts';
import { findStaffById } from './repository.ts';
import { SESSION_COOKIE, SESSION_TTL_MS, changePassword, closeSession, createLoginThrottle, login } from './sessions.ts';

const RoleSchema = Type.Enum(ROLES);
const StaffSchema = Type.Object({ id: Type.String(), email: Type.String(), displayName: Type.String(), locale: Type.Union([Type.String(), Type.Null()]) });
const SignedIn = Type.Object({ staff: StaffSchema, csrfToken: Type.String() });
const tags = ['Auth'];
const InvitationToken = Type.Object({ token: Type.String({ minLength: 20, maxLength: 100 }) }, { additionalProperties: false });

/** Session routes for the console: sign in and out, the current session, password, invitations. */
export async function authRoutes(app: AppInstance, deps: Deps): Promise<void> {
  const throttle = createLoginThrottle(deps.limiter);
  const secureCookie = deps.config.publicUrl.startsWith('https://');

  function setSessionCookie(reply: FastifyReply, token: string) {
    reply.setCookie(SESSION_COOKIE, token, {
      path: '/',
      httpOnly: true,
      sameSite: 'strict',
      secure: secureCookie,
      maxAge: SESSION_TTL_MS / 1000,
    });
  }

  app.post(
    '/auth/login',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'Sign in with email and password',
        description: 'Sets the session cookie. Send the returned csrfToken as x-csrf-token on every non-GET request. Repeated failures lock the account for a while (429).',
        security: [],
        body: Type.Object({ email: Email, password: Password }, { additionalProperties: false }),
        response: { 200: SignedIn },
      },
    },
    async (request, reply) => {
      const session = await login(deps, throttle, {
        ...request.body,
        ip: request.ip,
        userAgent: request.headers['user-agent'] ?? '',
        requestId: request.id,
      });
      setSessionCookie(reply, session.token);
      return { staff: session.staff, csrfToken: session.csrfToken };
    },
  );

  app.post(
    '/auth/logout',
    { config: { access: 'signed_in' }, schema: { tags, summary: 'Sign out (ends this session)', response: { 204: NoContent } } },
    async (request, reply) => {
      if (request.principal?.kind === 'staff') await closeSession(deps, request.principal.sessionId);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/auth/session',
    {
      config: { access: 'signed_in' },
      schema: {
        tags,
        summary: 'The signed-in staff member and their workspaces',
        response: {
          200: Type.Object({
            staff: StaffSchema,
            csrfToken: Type.String(),
            workspaces: Type.Array(Type.Object({ id: Type.String(), name: Type.String(), plan: Type.String(), role: RoleSchema })),
          }),
        },
      },
    },
    async (request) => {
      const principal = request.principal!;
      if (principal.kind !== 'staff') throw new Error('signed_in access admits staff only');
      const staff = (await findStaffById(deps.db.kysely, principal.staffId))!;
      const workspaces = await listWorkspacesOf(deps.db.kysely, principal.staffId);
      return {
        staff: { id: staff.id, email: staff.email, displayName: staff.display_name, locale: staff.locale },
        csrfToken: principal.csrfToken,
        workspaces: workspaces.map((w) => ({ id: w.id, name: w.name, plan: w.plan, role: w.role as (typeof ROLES)[number] })),
      };
    },
  );

  app.post(
    '/auth/password',
    {
      config: { access: 'signed_in' },
      schema: {
        tags,
        summary: 'Change your password',
        description: 'Ends every other session of the account.',
        body: Type.Object({ currentPassword: Password, newPassword: Password }, { additionalProperties: false }),
        response: { 204: NoContent },
      },
    },
    async (request, reply) => {
      const principal = request.principal!;
      if (principal.kind !== 'staff') throw new Error('signed_in access admits staff only');
      await changePassword(deps, { ...request.actor, id: principal.staffId }, principal.sessionId, request.body);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/invitations/:token',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'What an invitation offers',
        security: [],
        params: InvitationToken,
        response: { 200: Type.Object({ workspaceName: Type.String(), email: Type.String(), role: RoleSchema, accountExists: Type.Boolean(), expiresAt: Timestamp }) },
      },
    },
    async (request) => previewInvitation(deps, request.params.token),
  );

  app.post(
    '/invitations/:token/accept',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'Accept an invitation',
        description: 'A new person sends displayName and password; an existing account must be signed in. Signs in.',
        security: [],
        params: InvitationToken,
        body: Type.Object({ displayName: Type.Optional(Name), password: Type.Optional(Password) }, { additionalProperties: false }),
        response: { 200: Type.Object({ workspaceId: Type.String(), staff: StaffSchema, csrfToken: Type.String() }) },
      },
    },
    async (request, reply) => {
      const principal = request.principal;
      const result = await acceptInvitation(deps, request.params.token, {
        ...request.body,
        signedInStaffId: principal?.kind === 'staff' ? principal.staffId : null,
        ip: request.ip,
        userAgent: request.headers['user-agent'] ?? '',
        requestId: request.id,
      });
      setSessionCookie(reply, result.session.token);
      return { workspaceId: result.workspaceId, staff: result.staff, csrfToken: result.session.csrfToken };
    },
  );
}
