import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { Deps } from '../../deps.ts';
import { AppError } from '../../errors.ts';
import type { AppInstance } from '../../http/types.ts';
import { raw } from '../../pages/html.ts';
import { sendHtml, sendPage } from '../../pages/layout.ts';
import { landingBody, passwordBody, passwordTitle, refusalText, type LandingGroup, type ScanPageProblem } from '../../pages/landing.ts';
import { landingPage } from '../../pages/landing-page.ts';
import { allowLocateScript, linkLandingBody, locatingBody } from '../../pages/live-landing.ts';
import { pickLocale, type Locale } from '../../pages/locale.ts';
import { routeScan } from '../live-codes/admission.ts';
import { payloadQrDataUrl } from '../live-codes/payload-qr.ts';
import { countEntryScans } from '../live-codes/pool.ts';
import { positionQuery, readPosition } from '../live-codes/position.ts';
import { classifyUserAgent } from '../scans/user-agent.ts';
import { verifyPassword } from '../staff/passwords.ts';
import { passwordPassCookie } from './password-pass.ts';
import { lookupToken, REFUSAL_STATUS, type Lookup } from './resolve.ts';
import { createScanAdmission, type ScanRequest } from './scan-admission.ts';
import { codeCrypto } from './tokens.ts';

/** Form bodies on the scan path are one password field: 4 KiB is plenty. */
export const FORM_BODY_LIMIT = 4 * 1024;
/** Wrong access passwords per code and client address before a 15-minute lockout. */
export const PASSWORD_ATTEMPTS = { points: 5, windowSeconds: 15 * 60, blockSeconds: 15 * 60 };

const TokenParams = Type.Object({ token: Type.String() });

function localeOf(request: FastifyRequest): Locale {
  return pickLocale(request.headers['accept-language']);
}

function sendProblemPage(request: FastifyRequest, reply: FastifyReply, status: number, problem: ScanPageProblem, values: Parameters<typeof refusalText>[2] = {}): FastifyReply {
  const locale = localeOf(request);
  const { title, body } = refusalText(locale, problem, values);
  return sendPage(reply, status, { locale, title, body });
}

/**
 * For the app's frameworkErrors: a URL the router refuses (a parameter over 100 characters, bad
 * percent-encoding) under /j/ is a broken QR link, answered with the same page as a forged token.
 */
export function isScanPath(url: string): boolean {
  return url.startsWith('/j/');
}
export function sendBrokenLinkPage(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  return sendProblemPage(request, reply, 404, 'invalid');
}

function sendRefusal(request: FastifyRequest, reply: FastifyReply, found: Extract<Lookup, { ok: false }>): FastifyReply {
  return sendProblemPage(request, reply, REFUSAL_STATUS[found.reason], found.reason, { from: found.row?.active_from, until: found.row?.active_until });
}

function sendLanding(deps: Deps, request: FastifyRequest, reply: FastifyReply, group: LandingGroup, token: string, joinQuery = ''): FastifyReply {
  const locale = localeOf(request);
  const checkCode = codeCrypto(deps.config).checkCode(token) ?? '';
  return sendPage(reply, 200, { locale, title: group.name, body: landingBody({ locale, group, checkCode, token, joinQuery }) });
}

/** What the scan path keeps of a request. */
function scanRequest(request: FastifyRequest, token: string): ScanRequest {
  return { token, userAgent: request.headers['user-agent'], ip: request.ip, cookie: request.headers.cookie };
}

/**
 * The public scan path, outside /api/v1: GET /j/<token> (the URL in every printed QR) and
 * POST /j/<token> (the access-password form). The token is opened before any database read;
 * every scan of a token that decoded is recorded through the group-commit recorder before the
 * page goes out (scan-admission.ts); its queue is drained when the app closes.
 */
export async function scanPageRoutes(app: AppInstance, deps: Deps): Promise<void> {
  const admission = createScanAdmission(deps);
  app.addHook('onClose', async () => admission.close());
  const passwordLimiter = deps.limiter('code-password', PASSWORD_ATTEMPTS, 'locked_out');

  /**
   * A live code: routes the scanner (user agent app, and position from ?lat=&lon= for nearest
   * routing) and serves the routed group's landing page, the external group's QR or link, or a
   * refusal. A scan is recorded with its entry; after the access password (whose GET was recorded
   * already) only a link entry's own count moves. Nearest routing without a position first serves
   * a locating page that reopens the code with one; that page is not a scan (the reopening is).
   */
  async function sendLiveCode(request: FastifyRequest, reply: FastifyReply, found: Extract<Lookup, { ok: true }>, token: string, step: 'scan' | 'after_password'): Promise<FastifyReply> {
    const query = (request.query ?? {}) as Record<string, unknown>;
    const position = readPosition(query);
    const scanner = { app: classifyUserAgent(request.headers['user-agent']).app, position };
    const target = await routeScan(deps, found.code, scanner, { askPosition: position === null && query.located === undefined });
    const locale = localeOf(request);
    if (target.kind === 'locate') {
      allowLocateScript(reply);
      return sendPage(reply, 200, { locale, title: found.code.name, body: locatingBody(locale, found.code.name, token) });
    }
    if (target.kind === 'refused') {
      if (step === 'scan') await admission.record(scanRequest(request, token), { ok: false, reason: target.reason, row: found.row }, target.reason);
      return sendProblemPage(request, reply, REFUSAL_STATUS[target.reason], target.reason);
    }
    const entryId = target.kind === 'new_group' ? null : target.entryId;
    if (step === 'scan') await admission.record(scanRequest(request, token), found, 'ok', entryId ? { entryId, groupId: target.kind === 'group' ? target.group.id : null } : null);
    else if (target.kind === 'link') await deps.db.kysely.transaction().execute((tx) => countEntryScans(tx, new Map([[target.entryId, 1]]), deps.clock.now()));
    if (target.kind !== 'link') return sendLanding(deps, request, reply, target.group, token, positionQuery(position));
    const checkCode = codeCrypto(deps.config).checkCode(token) ?? '';
    const { link } = target;
    const body = linkLandingBody({ locale, title: found.code.name, label: link.label, checkCode, source: link.source, payload: link.payload, platform: link.platform, qr: link.source === 'image' ? payloadQrDataUrl(link.payload) : null });
    return sendPage(reply, 200, { locale, title: found.code.name, body });
  }

  await app.register(
    async (pages) => {
      // Only this scope reads form bodies; the API stays JSON-only.
      pages.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: FORM_BODY_LIMIT }, (_request, body, done) => {
        done(null, Object.fromEntries(new URLSearchParams(body as string)));
      });
      // A person reads these answers: pages, never problem+json or a stack trace.
      pages.setErrorHandler((error: FastifyError | AppError, request, reply) => {
        if (error instanceof AppError && error.status === 429) {
          const seconds = Number(error.extensions.retryAfterSeconds ?? 60);
          reply.header('retry-after', String(seconds));
          return sendProblemPage(request, reply, 429, 'too_many_attempts', { seconds });
        }
        const status = error instanceof AppError ? error.status : (error.statusCode ?? 500);
        if (status >= 400 && status < 500) return sendProblemPage(request, reply, status, 'bad_request');
        request.log.error({ err: error }, 'scan path failed');
        return sendProblemPage(request, reply, 503, 'unavailable');
      });
      pages.setNotFoundHandler((request, reply) => sendProblemPage(request, reply, 404, 'invalid'));

      // Link checkers and chat apps building a preview ask HEAD: answered with the status and page a
      // scan would get, but no person scanned, so nothing is recorded, counted or routed.
      pages.head(
        '/:token',
        { config: { access: 'public', securityHeaders: 'scan_page' }, schema: { hide: true, params: TokenParams } },
        async (request, reply) => {
          const { token } = request.params as { token: string };
          const found = await lookupToken(deps, token);
          if (!found.ok) return sendRefusal(request, reply, found);
          const locale = localeOf(request);
          if (found.group === null) return sendPage(reply, 200, { locale, title: found.code.name, body: raw('') });
          return sendHtml(reply, 200, landingPage(locale, found.group, token, codeCrypto(deps.config).checkCode(token) ?? ''));
        },
      );

      pages.get(
        '/:token',
        { config: { access: 'public', securityHeaders: 'scan_page' }, schema: { hide: true, params: TokenParams } },
        async (request, reply) => {
          const { token } = request.params as { token: string };
          const { found, passed } = await admission.scan(scanRequest(request, token));
          if (!found.ok) return sendRefusal(request, reply, found);
          if (!passed) {
            const locale = localeOf(request);
            return sendPage(reply, 200, { locale, title: passwordTitle(locale), body: passwordBody(locale, token, false) });
          }
          if (found.group === null) return sendLiveCode(request, reply, found, token, 'scan');
          const checkCode = codeCrypto(deps.config).checkCode(token) ?? '';
          return sendHtml(reply, 200, landingPage(localeOf(request), found.group, token, checkCode));
        },
      );

      pages.post(
        '/:token',
        { config: { access: 'public', securityHeaders: 'scan_page' }, schema: { hide: true, params: TokenParams } },
        async (request, reply) => {
          const { token } = request.params as { token: string };
          const body = request.body as Record<string, unknown> | undefined;
          const password = typeof body?.password === 'string' ? body.password : null;
          if (request.headers['content-type']?.split(';')[0]?.trim() !== 'application/x-www-form-urlencoded' || password === null) {
            return sendProblemPage(request, reply, 400, 'bad_request');
          }
          // The scan itself was counted by the GET; the form does not count (or meet) the scan caps again.
          const found = await lookupToken(deps, token);
          if (!found.ok) return sendRefusal(request, reply, found);
          if (!found.row.password_hash) return found.group ? sendLanding(deps, request, reply, found.group, token) : sendLiveCode(request, reply, found, token, 'after_password');
          const key = `${found.row.id}:${request.ip}`;
          await passwordLimiter.check(key);
          if (!(await verifyPassword(password, found.row.password_hash))) {
            await passwordLimiter.consume(key);
            const locale = localeOf(request);
            return sendPage(reply, 403, { locale, title: passwordTitle(locale), body: passwordBody(locale, token, true) });
          }
          await passwordLimiter.reset(key);
          reply.header('set-cookie', passwordPassCookie(deps.config, token, deps.clock.now()));
          return found.group ? sendLanding(deps, request, reply, found.group, token) : sendLiveCode(request, reply, found, token, 'after_password');
        },
      );
    },
    { prefix: '/j' },
  );
}
