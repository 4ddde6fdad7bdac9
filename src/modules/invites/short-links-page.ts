import { createHash } from 'node:crypto';
import type { FastifyReply } from 'fastify';
import { html, raw, type Html } from '../../pages/html.ts';
import { fill, type Locale, type Messages } from '../../pages/locale.ts';

/**
 * The page a short link opens (PUBLIC_URL/i/…): the code pre-filled in a field with a copy
 * button, the owner and campaign when known, and a button into the workspace's app with the
 * code filled in. Built with the member-page toolkit (src/pages): no external assets, a few KB.
 */
type Key =
  | 'title'
  | 'invitedBy'
  | 'campaign'
  | 'label'
  | 'copy'
  | 'copied'
  | 'hint'
  | 'open'
  | 'unknownTitle'
  | 'unknownText'
  | 'expiredTitle'
  | 'expiredText'
  | 'revokedTitle'
  | 'revokedText'
  | 'exhaustedTitle'
  | 'exhaustedText'
  | 'ambiguousTitle'
  | 'ambiguousText'
  | 'limitedTitle'
  | 'limitedText'
  | 'badTitle'
  | 'badText'
  | 'unavailableTitle'
  | 'unavailableText';

const TEXT: Messages<Key> = {
  'zh-CN': {
    title: '你收到一个邀请码',
    invitedBy: '{name} 邀请你',
    campaign: '活动：{name}',
    label: '邀请码',
    copy: '复制邀请码',
    copied: '已复制',
    hint: '复制邀请码，注册或领取时填写即可。',
    open: '打开 App 使用邀请码',
    unknownTitle: '邀请链接无效',
    unknownText: '这个链接没有对应的邀请码，请向分享给你的人确认。',
    expiredTitle: '邀请码已过期',
    expiredText: '这个邀请码已过期，请向分享给你的人要一个新的。',
    revokedTitle: '邀请码已失效',
    revokedText: '这个邀请码已被停用，无法再使用。',
    exhaustedTitle: '邀请码已用完',
    exhaustedText: '这个邀请码的使用次数已经用完，请向分享给你的人要一个新的。',
    ambiguousTitle: '无法识别这个链接',
    ambiguousText: '不止一个组织使用这个邀请码，请在对应的 App 里直接输入邀请码。',
    limitedTitle: '打开太频繁',
    limitedText: '请 {seconds} 秒后再试。',
    badTitle: '链接有误',
    badText: '请重新打开分享给你的链接。',
    unavailableTitle: '暂时无法打开',
    unavailableText: '服务暂时不可用，请稍后再试。',
  },
  en: {
    title: "You've got an invite code",
    invitedBy: '{name} invited you',
    campaign: 'Campaign: {name}',
    label: 'Invite code',
    copy: 'Copy code',
    copied: 'Copied',
    hint: 'Copy the code and enter it when you sign up or claim your offer.',
    open: 'Open the app with this code',
    unknownTitle: 'This invite link does not work',
    unknownText: 'No invite code goes with this link; check it with the person who shared it.',
    expiredTitle: 'This invite code has expired',
    expiredText: 'Ask the person who shared it for a new one.',
    revokedTitle: 'This invite code was withdrawn',
    revokedText: 'It can no longer be used.',
    exhaustedTitle: 'This invite code is used up',
    exhaustedText: 'It has been used as often as it may be; ask the person who shared it for a new one.',
    ambiguousTitle: 'This link is ambiguous',
    ambiguousText: 'More than one organisation uses this code; type it into their app instead.',
    limitedTitle: 'Too many opens',
    limitedText: 'Try again in {seconds} {seconds|second|seconds}.',
    badTitle: 'This link is broken',
    badText: 'Open the link you were sent again.',
    unavailableTitle: 'Cannot open right now',
    unavailableText: 'The service is unavailable; try again in a moment.',
  },
};

export type LinkProblem = 'unknown' | 'expired' | 'revoked' | 'exhausted' | 'ambiguous' | 'limited' | 'bad' | 'unavailable';

export function linkPageTitle(locale: Locale): string {
  return TEXT[locale].title;
}

export interface LinkLanding {
  locale: Locale;
  code: string;
  ownerName: string | null;
  campaignName: string | null;
  /** The app address with the code, when the workspace set one. */
  appLink: string | null;
}

/** The copy button: the field's text to the clipboard (select-and-copy where the Clipboard API is missing, as in older in-app browsers). */
const COPY_SCRIPT =
  "(function(){var b=document.getElementById('copy'),i=document.getElementById('invite-code');if(!b||!i)return;b.style.display='block';" +
  "function done(){b.textContent=b.getAttribute('data-done')}function fallback(){i.select();try{document.execCommand('copy');done()}catch(e){}}" +
  "b.addEventListener('click',function(){if(navigator.clipboard&&window.isSecureContext){navigator.clipboard.writeText(i.value).then(done,fallback)}else{fallback()}})})();";
const COPY_SCRIPT_HASH = `'sha256-${createHash('sha256').update(COPY_SCRIPT).digest('base64')}'`;

export function linkLandingBody(input: LinkLanding): Html {
  const t = TEXT[input.locale];
  const from = input.ownerName ? html`<p class="muted" id="invited-by">${fill(t.invitedBy, { name: input.ownerName })}</p>` : '';
  const campaign = input.campaignName ? html`<p class="muted" id="campaign">${fill(t.campaign, { name: input.campaignName })}</p>` : '';
  const open = input.appLink ? html`<a class="button" id="open-app" style="margin-top:12px" href="${input.appLink}" rel="noopener noreferrer">${t.open}</a>` : '';
  // The field works without the script too: it is selectable, and long-press copies it.
  return html`<div class="card center"><h1>${t.title}</h1>${from}${campaign}<label for="invite-code">${t.label}</label><input id="invite-code" readonly value="${input.code}" style="text-align:center;font-size:24px;font-weight:600;letter-spacing:.08em"><button type="button" id="copy" data-done="${t.copied}" style="display:none">${t.copy}</button><p class="muted">${t.hint}</p>${open}</div><script>${raw(COPY_SCRIPT)}</script>`;
}

/** The app's CSP allows no inline script; this page's one script is allowed by its hash alone. */
export function allowCopyScript(reply: FastifyReply): void {
  const csp = String(reply.getHeader('content-security-policy') ?? '');
  reply.header('content-security-policy', csp.replace(/script-src ([^;]*)/, `script-src $1 ${COPY_SCRIPT_HASH}`));
}

export function linkProblemText(locale: Locale, problem: LinkProblem, values: { seconds?: number } = {}): { title: string; body: Html } {
  const t = TEXT[locale];
  const title = t[`${problem}Title`];
  const text = fill(t[`${problem}Text`], { seconds: values.seconds ?? 60 });
  return { title, body: html`<div class="card center"><h1>${title}</h1><p class="muted">${text}</p></div>` };
}
