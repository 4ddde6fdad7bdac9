import type { FastifyRequest } from 'fastify';
import type { Deps } from '../deps.ts';
import { AppError } from '../errors.ts';
import { authenticateApiKey } from '../modules/api-keys/service.ts';
import type { Actor } from '../modules/audit/actor.ts';
import { PERMISSIONS, isRole, roleGrants } from '../modules/staff/permissions.ts';
import { findMembership } from '../modules/staff/repository.ts';
import { SESSION_COOKIE, csrfMatches, resolveSession } from '../modules/staff/sessions.ts';
import { ID_PATTERN } from './schemas.ts';
import type { Access, AppInstance, Principal } from './types.ts';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const WORKSPACE_ID = new RegExp(ID_PATTERN);

function actorOf(principal: Principal | null, request: FastifyRequest): Actor {
  const base = { ip: request.ip, requestId: request.id };
  if (!principal) return { type: 'system', id: null, label: 'anonymous', ...base };
  if (principal.kind === 'staff') return { type: 'staff', id: principal.staffId, label: principal.email, ...base };
  return { type: 'api_key', id: principal.keyId, label: `API key ${principal.name}`, ...base };
}

async function identify(deps: Deps, request: FastifyRequest): Promise<Principal | null> {
  const authorization = request.headers.authorization;
  if (authorization !== undefined) {
    const [scheme, token] = authorization.split(' ');
    if (scheme?.toLowerCase() !== 'bearer' || !token) throw new AppError('invalid_api_key', 'Use "Authorization: Bearer <key>"');
    return authenticateApiKey(deps, token, request.ip);
  }
  const cookie = request.cookies[SESSION_COOKIE];
  if (!cookie) return null;
  const session = await resolveSession(deps, cookie);
  if (session && !SAFE_METHODS.has(request.method)) {
    const header = request.headers['x-csrf-token'];
    if (!csrfMatches(session.csrfToken, typeof header === 'string' ? header : undefined)) throw new AppError('csrf_failed');
  }
  return session;
}

async function authorize(deps: Deps, request: FastifyRequest, access: Access): Promise<void> {
  if (access === 'public') return;
  const principal = request.principal;
  if (!principal) throw new AppError('unauthenticated');
  if (access === 'signed_in') {
    if (principal.kind !== 'staff') throw new AppError('forbidden', 'This route is for signed-in staff, not API keys');
    return;
  }
  const workspaceId = (request.params as { workspaceId?: string }).workspaceId;
  if (!workspaceId) throw new Error(`route ${request.routeOptions.url} needs :workspaceId for access ${access}`);
  // Access is checked before params are validated; a malformed id is a bad request, like any other param.
  if (!WORKSPACE_ID.test(workspaceId)) {
    const issue = { in: 'params', pointer: '/workspaceId', message: 'is not a joincode id' };
    throw new AppError('validation_failed', `params/workspaceId ${issue.message}`, { errors: [issue] });
  }
  if (principal.kind === 'api_key') {
    // Another workspace's resources look exactly like missing ones.
    if (principal.workspaceId !== workspaceId) throw new AppError('not_found', 'No such workspace');
    if (!PERMISSIONS[access].apiKey || !principal.scopes.includes(access)) {
      throw new AppError('forbidden', `This API key lacks the scope ${access}`);
    }
    return;
  }
  const membership = await findMembership(deps.db.kysely, workspaceId, principal.staffId);
  if (!membership || !isRole(membership.role)) throw new AppError('not_found', 'No such workspace');
  request.role = membership.role;
  if (!roleGrants(membership.role, access)) {
    throw new AppError('forbidden', `The ${membership.role} role does not grant ${access}`);
  }
}

/**
 * Identifies the caller (API key or session cookie, with CSRF on unsafe methods) and checks the
 * route's declared access. Every /api route must declare access; a route without it fails start-up.
 */
export function registerAuth(app: AppInstance, deps: Deps): void {
  app.decorateRequest('principal', null);
  app.decorateRequest('role', null);
  app.decorateRequest('actor', null as unknown as Actor);
  app.addHook('onRoute', (route) => {
    if (route.url.startsWith('/api/') && !route.config?.access) {
      throw new Error(`${route.method} ${route.url} does not declare config.access`);
    }
  });
  app.addHook('onRequest', async (request) => {
    const access = request.routeOptions.config.access;
    if (!access) return;
    request.principal = await identify(deps, request);
    request.actor = actorOf(request.principal, request);
    await authorize(deps, request, access);
  });
}
