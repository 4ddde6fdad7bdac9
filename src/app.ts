import cookie from '@fastify/cookie';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyBaseLogger } from 'fastify';
import type { Deps } from './deps.ts';
import { AppError } from './errors.ts';
import { newId } from './ids.ts';
import { registerAuth } from './http/auth.ts';
import { registerConsole } from './http/console.ts';
import { healthRoutes } from './http/health.ts';
import { registerIdempotency } from './http/idempotency.ts';
import { registerMetrics, type MetricsSources } from './http/metrics.ts';
import { registerOpenApi } from './http/openapi.ts';
import { registerProblemHandlers, sendProblem } from './http/problems.ts';
import { registerApiRateLimit } from './http/rate-limit.ts';
import { RequestLog } from './http/request-log.ts';
import { registerSecurityHeaders } from './http/security-headers.ts';
import type { AppInstance } from './http/types.ts';
import { validatorCompiler } from './http/validation.ts';
import { apiKeyRoutes } from './modules/api-keys/routes.ts';
import { auditRoutes } from './modules/audit/routes.ts';
import { codeRoutes } from './modules/codes/routes.ts';
import { isScanPath, scanPageRoutes, sendBrokenLinkPage } from './modules/codes/scan-routes.ts';
import { codeQrRoutes } from './modules/codes/qr-routes.ts';
import { codeStatsRoutes } from './modules/codes/stats-routes.ts';
import { groupRoutes } from './modules/groups/routes.ts';
import { liveCodeRoutes } from './modules/live-codes/routes.ts';
import { mailRoutes } from './modules/mail/routes.ts';
import { memberPageRoutes } from './modules/members/pages.ts';
import { inviteRoutes } from './modules/invites/routes.ts';
import { inviteBatchRoutes } from './modules/invites/batch-routes.ts';
import { inviteExportRoutes } from './modules/invites/export-routes.ts';
import { inviteImportRoutes } from './modules/invites/import-routes.ts';
import { inviteReserveRoutes } from './modules/invites/reserve-routes.ts';
import { isShortLinkPath, sendLinkProblemPage, shortLinkApiRoutes, shortLinkPageRoutes } from './modules/invites/short-links-routes.ts';
import { inviteAbuseRoutes } from './modules/invites/abuse-routes.ts';
import { inviteFunnelRoutes } from './modules/invites/funnel-routes.ts';
import { rewardRoutes } from './modules/rewards/routes.ts';
import { memberApiRoutes } from './modules/members/routes.ts';
import { authRoutes } from './modules/staff/auth-routes.ts';
import { staffRoutes } from './modules/staff/routes.ts';
import { webhookRoutes } from './modules/webhooks/routes.ts';
import { workspaceRoutes } from './modules/workspaces/routes.ts';

const REQUEST_ID = /^[A-Za-z0-9._-]{8,64}$/;
const QUIET_PATHS = new Set(['/healthz', '/readyz', '/metrics']);
export const API_BODY_LIMIT = 256 * 1024;

export interface AppOptions extends MetricsSources {
  /** Where the built console lives; tests point it elsewhere. */
  consoleDir?: string;
}

/** Builds the HTTP application without listening, so tests can inject requests or pick a port. */
export async function buildApp(deps: Deps, options: AppOptions = {}): Promise<AppInstance> {
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    // Fastify accepts a hop count too; its types lag behind.
    trustProxy: deps.config.trustProxy as boolean | string[],
    bodyLimit: API_BODY_LIMIT,
    // Keep a caller's request id when it looks like one, so logs join up across services.
    genReqId: (request) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : newId();
    },
    // Probes and scrapes are not logged; scans and short-link clicks only when they fail.
    logController: new RequestLog({ silent: (url) => QUIET_PATHS.has(url), failuresOnly: (url) => isScanPath(url) || isShortLinkPath(url) }),
    routerOptions: { ignoreTrailingSlash: true },
    // The router refuses over-long or undecodable URLs before any hook runs; answer those in kind.
    frameworkErrors: (error, request, reply) => {
      reply.header('x-request-id', request.id);
      if (isScanPath(request.url)) return void sendBrokenLinkPage(request, reply);
      if (isShortLinkPath(request.url)) return void sendLinkProblemPage(request, reply, 404, 'unknown');
      sendProblem(request, reply, new AppError('validation_failed', error.message));
    },
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  registerProblemHandlers(app);
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    done();
  });
  registerSecurityHeaders(app, deps.config.publicUrl);
  await registerOpenApi(app, deps.config.publicUrl);
  registerMetrics(app, deps, options);

  await healthRoutes(app, deps);
  // Cookies, rate limits, auth and idempotency concern the API only; the hot public paths skip them.
  await app.register(
    async (api) => {
      await api.register(cookie);
      registerApiRateLimit(api, deps);
      registerAuth(api, deps);
      registerIdempotency(api, deps);
      await authRoutes(api, deps);
      await workspaceRoutes(api, deps);
      await staffRoutes(api, deps);
      await apiKeyRoutes(api, deps);
      await auditRoutes(api, deps);
      await mailRoutes(api, deps);
      await webhookRoutes(api, deps);
      await groupRoutes(api, deps);
      await codeRoutes(api, deps);
      await codeStatsRoutes(api, deps);
      await codeQrRoutes(api, deps);
      await liveCodeRoutes(api, deps);
      await memberApiRoutes(api, deps);
      await inviteRoutes(api, deps);
      await inviteBatchRoutes(api, deps);
      await inviteExportRoutes(api, deps);
      await inviteImportRoutes(api, deps);
      await inviteReserveRoutes(api, deps);
      await shortLinkApiRoutes(api, deps);
      await inviteFunnelRoutes(api, deps);
      await inviteAbuseRoutes(api, deps);
      await rewardRoutes(api, deps);
    },
    { prefix: '/api/v1' },
  );
  // The scan path (GET/POST /j/<token>); its scan recorder drains when the app closes.
  await scanPageRoutes(app, deps);
  await memberPageRoutes(app, deps);
  // Invite short links (GET /i/CODE or /i/SUFFIX): a click counted, then the code's page.
  await shortLinkPageRoutes(app, deps);
  await registerConsole(app, options.consoleDir);
  return app;
}
