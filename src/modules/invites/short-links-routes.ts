import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { Deps } from '../../deps.ts';
import { AppError } from '../../errors.ts';
import { WorkspaceAnd, WorkspaceParams } from '../../http/schemas.ts';
import type { AppInstance } from '../../http/types.ts';
import { sendPage } from '../../pages/layout.ts';
import { pickLocale } from '../../pages/locale.ts';
import { classifyUserAgent } from '../scans/user-agent.ts';
import { stateOf } from './service.ts';
import { allowCopyScript, linkLandingBody, linkPageTitle, linkProblemText, type LinkProblem } from './short-links-page.ts';
import { LinkSettings, SetShortLink, ShortLinkView } from './short-links-schema.ts';
import { appLink, campaignName, getLinkSettings, getShortLink, putLinkSettings, recordClick, resolveShortLink, setLinkSuffix } from './short-links.ts';

const tags = ['Invite codes'];
/** Opens per client address per minute: plenty for people behind one carrier NAT, too few to inflate a code's clicks. */
export const LINK_OPENS_PER_MINUTE = { points: 120, windowSeconds: 60 };

export async function shortLinkApiRoutes(app: AppInstance, deps: Deps): Promise<void> {
  app.get(
    '/workspaces/:workspaceId/invites/:inviteId/short-link',
    {
      config: { access: 'invites:read' },
      schema: { tags, summary: "An invite code's short links and their clicks", params: WorkspaceAnd('inviteId'), response: { 200: ShortLinkView } },
    },
    async (request) => getShortLink(deps, request.params.workspaceId, request.params.inviteId),
  );

  app.put(
    '/workspaces/:workspaceId/invites/:inviteId/short-link',
    {
      config: { access: 'invites:manage' },
      schema: {
        tags,
        summary: "Set or remove an invite code's custom short-link suffix",
        description:
          'PUBLIC_URL/i/SUFFIX then opens the code, as PUBLIC_URL/i/CODE always does. The suffix is stored in NFKC lower case; letters of any script, digits, - and _, up to 40. It is unique across this joincode, since the link names no workspace: one in use, or one that reads as an existing code, is refused with 409 invite_link_suffix_taken. Archived codes: 409 invite_archived. Audited.',
        params: WorkspaceAnd('inviteId'),
        body: SetShortLink,
        response: { 200: ShortLinkView },
      },
    },
    async (request) => setLinkSuffix(deps, request.actor, request.params.workspaceId, request.params.inviteId, request.body.suffix),
  );

  app.get(
    '/workspaces/:workspaceId/invite-link-settings',
    { config: { access: 'invites:read' }, schema: { tags, summary: "The short-link page's app address", params: WorkspaceParams, response: { 200: LinkSettings } } },
    async (request) => getLinkSettings(deps.db.kysely, request.params.workspaceId),
  );

  app.put(
    '/workspaces/:workspaceId/invite-link-settings',
    {
      config: { access: 'invites:manage' },
      schema: {
        tags,
        summary: "Set the short-link page's app address",
        description: 'The page shows a button to it with the code: in place of {code}, or as a code query parameter. null removes the button. Audited.',
        params: WorkspaceParams,
        body: LinkSettings,
        response: { 200: LinkSettings },
      },
    },
    async (request) => putLinkSettings(deps, request.actor, request.params.workspaceId, request.body),
  );
}

/** For the app's frameworkErrors: a URL under /i/ that the router refuses is a broken link, answered with a page. */
export function isShortLinkPath(url: string): boolean {
  return url.startsWith('/i/');
}

export function sendLinkProblemPage(request: FastifyRequest, reply: FastifyReply, status: number, problem: LinkProblem, values: { seconds?: number } = {}): FastifyReply {
  const locale = pickLocale(request.headers['accept-language']);
  const { title, body } = linkProblemText(locale, problem, values);
  return sendPage(reply, status, { locale, title, body });
}

const ENDED: Record<string, LinkProblem> = { expired: 'expired', revoked: 'revoked', exhausted: 'exhausted' };

/**
 * GET /i/KEY, outside /api/v1: the code of a custom suffix or the code itself. The open is counted
 * (per UTC day, crawlers apart) before the page goes out, for any code found, ended ones too;
 * unknown and ambiguous keys count nothing. Opens per client address are rate limited.
 */
export async function shortLinkPageRoutes(app: AppInstance, deps: Deps): Promise<void> {
  const opens = deps.limiter('invite-link-opens', LINK_OPENS_PER_MINUTE);
  await app.register(
    async (pages) => {
      // A person reads these answers: pages, never problem+json.
      pages.setErrorHandler((error: FastifyError | AppError, request, reply) => {
        if (error instanceof AppError && error.status === 429) {
          const seconds = Number(error.extensions.retryAfterSeconds ?? 60);
          reply.header('retry-after', String(seconds));
          return sendLinkProblemPage(request, reply, 429, 'limited', { seconds });
        }
        const status = error instanceof AppError ? error.status : (error.statusCode ?? 500);
        if (status >= 400 && status < 500) return sendLinkProblemPage(request, reply, status, 'bad');
        request.log.error({ err: error }, 'short link failed');
        return sendLinkProblemPage(request, reply, 503, 'unavailable');
      });
      pages.setNotFoundHandler((request, reply) => sendLinkProblemPage(request, reply, 404, 'unknown'));

      pages.get(
        '/:key',
        { config: { access: 'public' }, schema: { hide: true, params: Type.Object({ key: Type.String({ minLength: 1 }) }) } },
        async (request, reply) => {
          const { key } = request.params as { key: string };
          await opens.consume(request.ip);
          const target = await resolveShortLink(deps.db.reader, key);
          if (target.kind === 'unknown') return sendLinkProblemPage(request, reply, 404, 'unknown');
          if (target.kind === 'ambiguous') return sendLinkProblemPage(request, reply, 409, 'ambiguous');
          const { invite } = target;
          const now = deps.clock.now();
          // HEAD (link checkers) shows the same status without counting an open.
          if (request.method === 'GET') await recordClick(deps.db.kysely, invite, classifyUserAgent(request.headers['user-agent']).bot, now);
          const ended = ENDED[invite.status === 'active' ? stateOf(invite, now) : invite.status];
          if (ended) return sendLinkProblemPage(request, reply, 410, ended);
          const locale = pickLocale(request.headers['accept-language']);
          const settings = await getLinkSettings(deps.db.reader, invite.workspace_id);
          const body = linkLandingBody({
            locale,
            code: invite.code,
            ownerName: invite.owner_name,
            campaignName: await campaignName(deps.db.reader, invite),
            appLink: settings.appUrl === null ? null : appLink(settings.appUrl, invite.code),
          });
          allowCopyScript(reply);
          return sendPage(reply, 200, { locale, title: linkPageTitle(locale), body });
        },
      );
    },
    { prefix: '/i' },
  );
}
