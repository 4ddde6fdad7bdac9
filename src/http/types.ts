import type { FastifyBaseLogger, FastifyInstance, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { ApiKeyPrincipal } from '../modules/api-keys/service.ts';
import type { Actor } from '../modules/audit/actor.ts';
import type { Permission, Role } from '../modules/staff/permissions.ts';
import type { SessionPrincipal } from '../modules/staff/sessions.ts';

/**
 * Who may call a route: anyone, any signed-in staff member, or holders of a permission on the
 * workspace named by the route's :workspaceId (staff by role, API keys by scope).
 */
export type Access = 'public' | 'signed_in' | Permission;

export type Principal = SessionPrincipal | ApiKeyPrincipal;

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
    /** POST routes that create something honour the Idempotency-Key header. */
    idempotent?: boolean;
    /** The scan pages carry a smaller set of security headers than the rest (security-headers.ts). */
    securityHeaders?: 'scan_page';
    /** The one Content-Type the route reads its body as, named by a 415; application/json when unset. */
    bodyType?: string;
  }
  interface FastifyRequest {
    principal: Principal | null;
    actor: Actor;
    /** The staff member's role in the route's workspace, once access is checked. */
    role: Role | null;
  }
}

export type AppInstance = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;
