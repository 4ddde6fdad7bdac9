import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../../deps.ts';
import { AppError } from '../../errors.ts';
import { ID_PATTERN } from '../../http/schemas.ts';
import type { AppInstance } from '../../http/types.ts';
import { html, type Html } from '../../pages/html.ts';
import { sendPage } from '../../pages/layout.ts';
import { fill, memberCountText, pickLocale, type Locale, type Messages } from '../../pages/locale.ts';
import { hasPasswordPass } from '../codes/password-pass.ts';
import { REFUSAL_STATUS, resolveCode, type CodeRefusal, type ResolvedCode } from '../codes/resolve.ts';
import { TOKEN_PATTERN } from '../codes/token.ts';
import { joinThroughLiveCode, previewJoin } from '../live-codes/admission.ts';
import { positionQuery, readPosition } from '../live-codes/position.ts';
import type { Scanner } from '../live-codes/routing.ts';
import { classifyUserAgent } from '../scans/user-agent.ts';
import { createIdentityThrottle, findOrCreateMember, openMemberSession, requestEmailCode, resolveMemberSession, verifyEmailCode, type MemberSession } from './identity.ts';
import { verifyIdentityToken } from './integration.ts';
import { joinGroup, leaveGroup } from './join.ts';
import { ensureFormCookie, FORM_COOKIE, formToken, formTokenMatches, MEMBER_COOKIE, MEMBER_SESSION_TTL_MS, readCookies, setCookie } from './web.ts';

const FORM_BODY_LIMIT = 4 * 1024;
const ID = new RegExp(ID_PATTERN);
const EMAIL = /^[^\s@<>"]{1,64}@[^\s@<>"]{1,252}\.[^\s@<>"]{2,}$/;

type Key =
  | 'joinTitle' | 'emailIntro' | 'emailLabel' | 'sendCode' | 'integratorNote' | 'codeIntro' | 'codeLabel' | 'verify' | 'resend'
  | 'wrongCode' | 'lockedTitle' | 'lockedText' | 'expiredCodeTitle' | 'expiredCodeText' | 'badEmail' | 'confirmTitle' | 'confirmText' | 'joinButton'
  | 'signedInAs' | 'fullTitle' | 'fullText' | 'throttledTitle' | 'throttledText' | 'refusedTitle' | 'passwordTitle' | 'passwordText' | 'openLanding'
  | 'externalTitle' | 'externalText' | 'identityTitle' | 'identityText' | 'signInTitle' | 'signInText' | 'formTitle' | 'formText'
  | 'notMemberTitle' | 'notMemberText' | 'leave' | 'leftTitle' | 'leftText' | 'tooManyTitle' | 'tooManyText' | 'errorTitle' | 'errorText' | 'startOver'
  | `refusal_${CodeRefusal}`;

const T: Messages<Key> = {
  'zh-CN': {
    joinTitle: '加入「{group}」',
    emailIntro: '输入邮箱，我们会发送一个 6 位验证码确认是你本人。',
    emailLabel: '邮箱',
    sendCode: '发送验证码',
    integratorNote: '如果你是从合作方的 App 或网站过来的，从那里的入群链接打开即可直接加入，无需邮箱。',
    codeIntro: '验证码已发送到 {email}，10 分钟内有效。',
    codeLabel: '6 位验证码',
    verify: '验证',
    resend: '换个邮箱或重新发送',
    wrongCode: '验证码不对，还可以再试 {left} 次。',
    lockedTitle: '错误次数过多',
    lockedText: '这个验证码已失效。请重新获取一个验证码。',
    expiredCodeTitle: '验证码已过期',
    expiredCodeText: '这个验证码已过期或已使用。请重新获取一个。',
    badEmail: '请输入有效的邮箱地址。',
    confirmTitle: '加入「{group}」',
    confirmText: '确认加入这个群？',
    joinButton: '加入群',
    signedInAs: '当前身份：{name}',
    fullTitle: '群已满',
    fullText: '「{group}」已达到人数上限，暂时无法加入。',
    throttledTitle: '加入人数过多',
    throttledText: '通过这个二维码加入的人太多了，请稍后再试。',
    refusedTitle: '无法加入',
    passwordTitle: '需要访问密码',
    passwordText: '这个二维码设置了访问密码，请先在入群页输入密码。',
    openLanding: '打开入群页',
    externalTitle: '这个群不在这里',
    externalText: '这个群在其他平台上，请按入群页的步骤加入。',
    identityTitle: '身份链接无效',
    identityText: '这个身份链接无效或已过期，请回到原来的 App 重新打开，或用邮箱验证。',
    signInTitle: '请先验证身份',
    signInText: '请先用邮箱验证身份，再加入群。',
    formTitle: '页面已过期',
    formText: '请返回重新操作。',
    notMemberTitle: '你还不是这个群的成员',
    notMemberText: '扫描群二维码或打开入群链接加入。',
    leave: '退出群',
    leftTitle: '已退出',
    leftText: '你已退出「{group}」。',
    tooManyTitle: '请求太频繁',
    tooManyText: '请稍后再试。',
    errorTitle: '出错了',
    errorText: '请稍后再试。',
    startOver: '重新开始',
    refusal_invalid: '这个二维码无效。请确认扫描的是群主发布的二维码。',
    refusal_expired: '这个二维码已过期，请向群主索取新的二维码。',
    refusal_not_found: '这个二维码已不存在。',
    refusal_replaced: '这个二维码已更换，请向群主索取新的二维码。',
    refusal_revoked: '这个二维码已被撤销。',
    refusal_paused: '这个二维码暂停使用，请稍后再试。',
    refusal_not_yet_active: '这个二维码还未到开放时间。',
    refusal_ended: '这个二维码的开放时间已结束。',
    refusal_daily_cap: '这个二维码今天的扫码次数已满，请明天再试。',
    refusal_total_cap: '这个二维码的扫码次数已满。',
    refusal_group_archived: '这个群已归档，不再接受新成员。',
    refusal_group_full: '这个群已满，暂时无法加入。',
    refusal_pool_empty: '这个二维码对应的群目前都不接受新成员，请联系群主。',
  },
  en: {
    joinTitle: 'Join “{group}”',
    emailIntro: 'Enter your email and we will send a 6-digit code to confirm it is you.',
    emailLabel: 'Email',
    sendCode: 'Send code',
    integratorNote: "Came from a partner's app or site? Open the join link there to join without an email.",
    codeIntro: 'We sent a code to {email}. It works for 10 minutes.',
    codeLabel: '6-digit code',
    verify: 'Verify',
    resend: 'Use another email or send again',
    wrongCode: 'That code is wrong. {left} {left|try|tries} left.',
    lockedTitle: 'Too many wrong tries',
    lockedText: 'This code no longer works. Ask for a new one.',
    expiredCodeTitle: 'Code expired',
    expiredCodeText: 'This code has expired or was already used. Ask for a new one.',
    badEmail: 'Enter a valid email address.',
    confirmTitle: 'Join “{group}”',
    confirmText: 'Join this group?',
    joinButton: 'Join group',
    signedInAs: 'Signed in as {name}',
    fullTitle: 'Group full',
    fullText: '“{group}” has reached its member limit.',
    throttledTitle: 'Too many joins',
    throttledText: 'Too many people joined through this code just now. Try again later.',
    refusedTitle: 'Cannot join',
    passwordTitle: 'Password needed',
    passwordText: "This code has an access password. Enter it on the code's page first.",
    openLanding: 'Open the join page',
    externalTitle: 'This group is elsewhere',
    externalText: 'This group lives on another platform. Follow the steps on the join page.',
    identityTitle: 'Identity link not valid',
    identityText: 'This identity link is not valid or has expired. Open it again from the app you came from, or use your email.',
    signInTitle: 'Confirm who you are first',
    signInText: 'Confirm your email first, then join.',
    formTitle: 'This page expired',
    formText: 'Go back and try again.',
    notMemberTitle: 'You are not a member of this group',
    notMemberText: 'Scan the group QR code or open its join link to join.',
    leave: 'Leave group',
    leftTitle: 'You left',
    leftText: 'You left “{group}”.',
    tooManyTitle: 'Too many requests',
    tooManyText: 'Try again later.',
    errorTitle: 'Something went wrong',
    errorText: 'Try again later.',
    startOver: 'Start over',
    refusal_invalid: 'This code is not valid. Make sure you scanned the one the group owner published.',
    refusal_expired: 'This code has expired. Ask the group owner for a new one.',
    refusal_not_found: 'This code no longer exists.',
    refusal_replaced: 'This code was replaced. Ask the group owner for the new one.',
    refusal_revoked: 'This code was revoked.',
    refusal_paused: 'This code is paused. Try again later.',
    refusal_not_yet_active: 'This code is not open yet.',
    refusal_ended: 'This code is no longer open.',
    refusal_daily_cap: 'This code reached its scans for today. Try again tomorrow.',
    refusal_total_cap: 'This code reached its scan limit.',
    refusal_group_archived: 'This group is archived and takes no new members.',
    refusal_group_full: 'This group is full.',
    refusal_pool_empty: 'None of the groups behind this code takes new members right now. Ask the organiser.',
  },
};

interface Ctx {
  request: FastifyRequest;
  reply: FastifyReply;
  locale: Locale;
  t: Record<Key, string>;
}

type Form = Record<string, string | undefined>;

/** A code the visitor may join through now, with the group shown on the join pages. */
interface Admitted {
  code: ResolvedCode;
  group: { name: string; memberCount: number };
  /** Live codes: what routing needs at join time; null for a join code. */
  scanner: Scanner | null;
  /** The join step's URL (with a live code's position carried on). */
  again: string;
}

function message(ctx: Ctx, status: number, title: string, text: string, link?: { href: string; label: string }): FastifyReply {
  const body = html`<div class="card center"><h1>${title}</h1><p>${text}</p>${link ? html`<p><a class="button" href="${link.href}">${link.label}</a></p>` : ''}</div>`;
  return sendPage(ctx.reply, status, { locale: ctx.locale, title, body });
}

function card(ctx: Ctx, status: number, title: string, body: Html): FastifyReply {
  return sendPage(ctx.reply, status, { locale: ctx.locale, title, body: html`<div class="card"><h1>${title}</h1>${body}</div>` });
}

/** Member pages of the join flow: identity (email code or integrator token), confirm, the group page. */
export async function memberPageRoutes(app: AppInstance, deps: Deps): Promise<void> {
  const throttle = createIdentityThrottle(deps.limiter);
  const secure = deps.config.publicUrl.startsWith('https://');
  const keys = deps.config.secretKeys;

  await app.register(async (pages) => {
    // Plain HTML forms post application/x-www-form-urlencoded; small bodies only.
    if (!pages.hasContentTypeParser('application/x-www-form-urlencoded')) {
      pages.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: FORM_BODY_LIMIT }, (_request, body, done) => {
        done(null, Object.fromEntries(new URLSearchParams(String(body))));
      });
    }
    pages.setErrorHandler((error: Error & { statusCode?: number }, request, reply) => {
      const ctx = context(request, reply);
      if (error instanceof AppError && error.status === 429) {
        const retry = error.extensions.retryAfterSeconds;
        if (typeof retry === 'number') reply.header('retry-after', String(retry));
        return message(ctx, 429, ctx.t.tooManyTitle, ctx.t.tooManyText);
      }
      const status = error instanceof AppError ? error.status : error.statusCode && error.statusCode < 500 ? error.statusCode : 500;
      if (status >= 500) request.log.error({ err: error }, 'member page failed');
      return message(ctx, status, ctx.t.errorTitle, status >= 500 ? ctx.t.errorText : ctx.t.formText);
    });

    function context(request: FastifyRequest, reply: FastifyReply): Ctx {
      const locale = pickLocale(request.headers['accept-language']);
      return { request, reply, locale, t: T[locale] };
    }

    async function memberSession(request: FastifyRequest, workspaceId: string): Promise<(MemberSession & { token: string }) | null> {
      const token = readCookies(request)[MEMBER_COOKIE];
      const session = await resolveMemberSession(deps, token);
      return session && token && session.member.workspace_id === workspaceId ? { ...session, token } : null;
    }

    /**
     * Resolves the token of the URL, answering refusals with their page; null when answered.
     * For a live code, `group` is the group the member would join now (the seat is only taken by
     * the final POST, which routes again), and `scanner` what routing needs: the user agent's app
     * and the position the landing page carried on (`lat`/`lon` in the query or the form).
     */
    async function admitted(ctx: Ctx, token: string, source: unknown): Promise<Admitted | null> {
      const landing = { href: `/j/${token}`, label: ctx.t.openLanding };
      if (!TOKEN_PATTERN.test(token)) {
        message(ctx, 404, ctx.t.refusedTitle, ctx.t.refusal_invalid);
        return null;
      }
      const resolved = await resolveCode(deps, token);
      if (!resolved.ok) {
        message(ctx, REFUSAL_STATUS[resolved.reason], ctx.t.refusedTitle, ctx.t[`refusal_${resolved.reason}`]);
        return null;
      }
      const { code, group } = resolved;
      if (group && group.kind !== 'hosted') {
        message(ctx, 404, ctx.t.externalTitle, ctx.t.externalText, landing);
        return null;
      }
      if (code.passwordRequired && !hasPasswordPass(deps.config, token, ctx.request.headers.cookie, deps.clock.now())) {
        message(ctx, 403, ctx.t.passwordTitle, ctx.t.passwordText, landing);
        return null;
      }
      if (group) return { code, group, scanner: null, again: `/j/${token}/join` };
      const position = readPosition(source);
      const scanner = { app: classifyUserAgent(ctx.request.headers['user-agent']).app, position };
      const preview = await previewJoin(deps, code, scanner);
      if (!preview.ok) {
        if (preview.reason === 'elsewhere') message(ctx, 404, ctx.t.externalTitle, ctx.t.externalText, landing);
        else message(ctx, REFUSAL_STATUS[preview.reason], ctx.t.refusedTitle, ctx.t[`refusal_${preview.reason}`]);
        return null;
      }
      return { code, group: preview, scanner, again: `/j/${token}/join${positionQuery(position)}` };
    }

    /** Hidden fields that carry a live code's scanner position through the join forms. */
    function carried(admission: Admitted): Html {
      const position = admission.scanner?.position;
      return position ? html`<input type="hidden" name="lat" value="${String(position.latitude)}"><input type="hidden" name="lon" value="${String(position.longitude)}">` : html``;
    }

    function emailForm(ctx: Ctx, token: string, admission: Admitted, error?: string): FastifyReply {
      const bound = ensureFormCookie(ctx.request, ctx.reply, secure);
      return card(
        ctx,
        error ? 400 : 200,
        fill(ctx.t.joinTitle, { group: admission.group.name }),
        html`<p>${ctx.t.emailIntro}</p>${error ? html`<p class="error">${error}</p>` : ''}
<form method="post" action="/j/${token}/join/email"><input type="hidden" name="form" value="${formToken(keys, `f:${bound}`)}">${carried(admission)}
<label for="email">${ctx.t.emailLabel}</label><input id="email" name="email" type="email" autocomplete="email" required maxlength="254">
<button type="submit">${ctx.t.sendCode}</button></form><p class="muted">${ctx.t.integratorNote}</p>`,
      );
    }

    function codeForm(ctx: Ctx, token: string, admission: Admitted, email: string, error?: string): FastifyReply {
      const bound = ensureFormCookie(ctx.request, ctx.reply, secure);
      return card(
        ctx,
        error ? 400 : 200,
        fill(ctx.t.joinTitle, { group: admission.group.name }),
        html`<p>${fill(ctx.t.codeIntro, { email })}</p>${error ? html`<p class="error">${error}</p>` : ''}
<form method="post" action="/j/${token}/join/verify"><input type="hidden" name="form" value="${formToken(keys, `f:${bound}`)}"><input type="hidden" name="email" value="${email}">${carried(admission)}
<label for="code">${ctx.t.codeLabel}</label><input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}" maxlength="6" required>
<button type="submit">${ctx.t.verify}</button></form><p class="muted"><a href="${admission.again}">${ctx.t.resend}</a></p>`,
      );
    }

    function confirmForm(ctx: Ctx, token: string, admission: Admitted, session: { sessionId: string; displayName: string }): FastifyReply {
      const { group } = admission;
      return card(
        ctx,
        200,
        fill(ctx.t.confirmTitle, { group: group.name }),
        html`<p>${ctx.t.confirmText}</p><p class="muted">${memberCountText(ctx.locale, group.memberCount)} · ${fill(ctx.t.signedInAs, { name: session.displayName })}</p>
<form method="post" action="/j/${token}/join"><input type="hidden" name="form" value="${formToken(keys, `s:${session.sessionId}`)}">${carried(admission)}<button type="submit">${ctx.t.joinButton}</button></form>`,
      );
    }

    function startSession(reply: FastifyReply, token: string): void {
      setCookie(reply, MEMBER_COOKIE, token, { maxAgeSeconds: MEMBER_SESSION_TTL_MS / 1000, secure });
    }

    pages.get<{ Params: { token: string }; Querystring: { identity?: string } }>('/j/:token/join', async (request, reply) => {
      const ctx = context(request, reply);
      const { token } = request.params;
      const admission = await admitted(ctx, token, request.query);
      if (!admission) return reply;
      const { code } = admission;
      const identity = request.query.identity;
      if (typeof identity === 'string' && identity.length > 0) {
        const checked = await verifyIdentityToken(deps, code.workspaceId, identity);
        if (!checked.ok) {
          request.log.info({ reason: checked.reason }, 'identity token refused');
          return message(ctx, 401, ctx.t.identityTitle, ctx.t.identityText, { href: admission.again, label: ctx.t.startOver });
        }
        const member = await findOrCreateMember(deps.db.kysely, deps.clock.now(), { workspaceId: code.workspaceId, externalUserId: checked.claims.sub, displayName: checked.claims.name });
        startSession(reply, await openMemberSession(deps, member));
        // Drop the token from the address bar and history.
        return reply.status(303).header('location', admission.again).header('cache-control', 'no-store').send();
      }
      const session = await memberSession(request, code.workspaceId);
      if (!session) return emailForm(ctx, token, admission);
      return confirmForm(ctx, token, admission, { sessionId: session.sessionId, displayName: session.member.display_name });
    });

    pages.post<{ Params: { token: string }; Body: Form }>('/j/:token/join/email', async (request, reply) => {
      const ctx = context(request, reply);
      const { token } = request.params;
      const body = (request.body ?? {}) as Form;
      const admission = await admitted(ctx, token, body);
      if (!admission) return reply;
      if (!formTokenMatches(keys, readCookies(request)[FORM_COOKIE] && `f:${readCookies(request)[FORM_COOKIE]}`, body.form)) return message(ctx, 403, ctx.t.formTitle, ctx.t.formText, { href: admission.again, label: ctx.t.startOver });
      const email = typeof body.email === 'string' ? body.email.trim() : '';
      if (email.length > 254 || !EMAIL.test(email)) return emailForm(ctx, token, admission, ctx.t.badEmail);
      const sent = await requestEmailCode(deps, throttle, { workspaceId: admission.code.workspaceId, email, ip: request.ip, locale: ctx.locale, groupName: admission.group.name });
      return codeForm(ctx, token, admission, sent.email);
    });

    pages.post<{ Params: { token: string }; Body: Form }>('/j/:token/join/verify', async (request, reply) => {
      const ctx = context(request, reply);
      const { token } = request.params;
      const body = (request.body ?? {}) as Form;
      const admission = await admitted(ctx, token, body);
      if (!admission) return reply;
      const startOver = { href: admission.again, label: ctx.t.startOver };
      const formCookie = readCookies(request)[FORM_COOKIE];
      if (!formTokenMatches(keys, formCookie && `f:${formCookie}`, body.form)) return message(ctx, 403, ctx.t.formTitle, ctx.t.formText, startOver);
      const email = typeof body.email === 'string' ? body.email.trim() : '';
      const code = typeof body.code === 'string' ? body.code.trim() : '';
      if (!EMAIL.test(email) || email.length > 254) return emailForm(ctx, token, admission, ctx.t.badEmail);
      const result = await verifyEmailCode(deps, throttle, { workspaceId: admission.code.workspaceId, email, code: code.slice(0, 20), ip: request.ip });
      if (!result.ok) {
        if (result.reason === 'wrong') return codeForm(ctx, token, admission, email.toLowerCase(), fill(ctx.t.wrongCode, { left: result.attemptsLeft }));
        if (result.reason === 'locked') return message(ctx, 429, ctx.t.lockedTitle, ctx.t.lockedText, startOver);
        return message(ctx, 410, ctx.t.expiredCodeTitle, ctx.t.expiredCodeText, startOver);
      }
      const sessionToken = await openMemberSession(deps, result.member);
      startSession(reply, sessionToken);
      const session = await resolveMemberSession(deps, sessionToken);
      return confirmForm(ctx, token, admission, { sessionId: session!.sessionId, displayName: result.member.display_name });
    });

    pages.post<{ Params: { token: string }; Body: Form }>('/j/:token/join', async (request, reply) => {
      const ctx = context(request, reply);
      const { token } = request.params;
      const body = (request.body ?? {}) as Form;
      const admission = await admitted(ctx, token, body);
      if (!admission) return reply;
      const { code, group, scanner } = admission;
      const startOver = { href: admission.again, label: ctx.t.startOver };
      const session = await memberSession(request, code.workspaceId);
      if (!session) return message(ctx, 401, ctx.t.signInTitle, ctx.t.signInText, startOver);
      if (!formTokenMatches(keys, `s:${session.sessionId}`, body.form)) return message(ctx, 403, ctx.t.formTitle, ctx.t.formText, startOver);
      const input = { workspaceId: code.workspaceId, memberId: session.member.id, codeId: code.id, tags: code.tags, joinsPerHourCap: code.joinsPerHourCap };
      // A live code routes again now: the seat goes to whichever group has room at this moment.
      const joined = scanner
        ? await joinThroughLiveCode(deps, { code, memberId: session.member.id, scanner })
        : await joinGroup(deps, { ...input, groupId: code.groupId! }).then((r) => (r.ok ? { ...r, groupId: code.groupId! } : r));
      if (joined.ok) return reply.status(303).header('location', `/g/${joined.groupId}`).header('cache-control', 'no-store').send();
      if (joined.reason === 'full') return message(ctx, 409, ctx.t.fullTitle, fill(ctx.t.fullText, { group: scanner ? code.name : group.name }));
      if (joined.reason === 'throttled') return message(ctx, 429, ctx.t.throttledTitle, ctx.t.throttledText);
      if (joined.reason === 'closed') return message(ctx, 410, ctx.t.refusedTitle, ctx.t.refusal_group_archived);
      return message(ctx, 404, ctx.t.refusedTitle, ctx.t.refusal_not_found);
    });

    /** The group and the caller's active membership in it, or null (answered with a page). */
    async function membership(ctx: Ctx, groupId: string) {
      if (!ID.test(groupId)) {
        message(ctx, 404, ctx.t.notMemberTitle, ctx.t.notMemberText);
        return null;
      }
      const token = readCookies(ctx.request)[MEMBER_COOKIE];
      const session = await resolveMemberSession(deps, token);
      const group = session
        ? await deps.db.kysely.selectFrom('groups').selectAll().where('id', '=', groupId).where('workspace_id', '=', session.member.workspace_id).executeTakeFirst()
        : undefined;
      const row = session && group
        ? await deps.db.kysely.selectFrom('group_members').selectAll().where('group_id', '=', groupId).where('member_id', '=', session.member.id).where('status', '=', 'active').executeTakeFirst()
        : undefined;
      if (!session || !group || !row) {
        message(ctx, session ? 403 : 401, ctx.t.notMemberTitle, ctx.t.notMemberText);
        return null;
      }
      return { session, group, row };
    }

    pages.get<{ Params: { groupId: string } }>('/g/:groupId', async (request, reply) => {
      const ctx = context(request, reply);
      const found = await membership(ctx, request.params.groupId);
      if (!found) return reply;
      const { session, group, row } = found;
      const inviter = row.inviter_id
        ? await deps.db.kysely.selectFrom('members').select('display_name').where('id', '=', row.inviter_id).where('workspace_id', '=', group.workspace_id).executeTakeFirst()
        : undefined;
      const welcome = fill(group.welcome_text, { name: session.member.display_name, group: group.name, inviter: inviter?.display_name ?? '' });
      const body = html`<div class="card center">${group.avatar ? html`<img class="avatar" src="/g/${group.id}/avatar" alt="">` : ''}<h1>${group.name}</h1>
<p class="muted">${memberCountText(ctx.locale, group.member_count)}</p>${welcome ? html`<p class="value">${welcome}</p>` : ''}${group.description ? html`<p>${group.description}</p>` : ''}</div>
<form method="post" action="/g/${group.id}/leave"><input type="hidden" name="form" value="${formToken(keys, `s:${session.sessionId}`)}"><button type="submit" style="background:#fff;color:#cf222e;border:1px solid #d0d7de">${ctx.t.leave}</button></form>`;
      return sendPage(reply, 200, { locale: ctx.locale, title: group.name, body });
    });

    // The avatar is served on its own (members only), so the group page stays a few KB.
    pages.get<{ Params: { groupId: string } }>('/g/:groupId/avatar', async (request, reply) => {
      const ctx = context(request, reply);
      const found = await membership(ctx, request.params.groupId);
      if (!found) return reply;
      const match = /^data:(image\/(?:png|jpeg));base64,(.*)$/.exec(found.group.avatar ?? '');
      if (!match) return message(ctx, 404, ctx.t.errorTitle, ctx.t.errorText);
      return reply.status(200).type(match[1]!).header('cache-control', 'private, max-age=300').send(Buffer.from(match[2]!, 'base64'));
    });

    pages.post<{ Params: { groupId: string }; Body: Form }>('/g/:groupId/leave', async (request, reply) => {
      const ctx = context(request, reply);
      const found = await membership(ctx, request.params.groupId);
      if (!found) return reply;
      const body = (request.body ?? {}) as Form;
      if (!formTokenMatches(keys, `s:${found.session.sessionId}`, body.form)) return message(ctx, 403, ctx.t.formTitle, ctx.t.formText);
      await leaveGroup(deps, { workspaceId: found.group.workspace_id, groupId: found.group.id, memberId: found.session.member.id });
      return message(ctx, 200, ctx.t.leftTitle, fill(ctx.t.leftText, { group: found.group.name }));
    });
  });
}
