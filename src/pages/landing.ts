import type { GroupView } from '../modules/groups/schema.ts';
import type { CodeRefusal } from '../modules/codes/resolve.ts';
import { payloadQrDataUrl } from '../modules/live-codes/payload-qr.ts';
import { html, type Html } from './html.ts';
import { PAGE_BUDGET_BYTES, pageOverheadBytes } from './layout.ts';
import { fill, memberCountText, type Locale, type Messages } from './locale.ts';

/**
 * The pages a scanner sees at /j/<token>: the landing page (the group and the next step), the
 * access-password form, and one page per refusal. Small (no external assets, one inline
 * stylesheet from layout.ts), readable on a 375 px wide phone, zh-CN or en.
 */
type LandingKey =
  | 'checkLabel' | 'checkHint' | 'join' | 'joinExternal' | 'noLink' | 'steps' | 'stepHosted' | 'stepExternal'
  | 'longPress' | 'orLink' | 'openLink' | 'passwordTitle' | 'passwordHint' | 'passwordLabel' | 'passwordSubmit' | 'passwordWrong';

const TEXT: Messages<LandingKey> = {
  'zh-CN': {
    checkLabel: '校验码',
    checkHint: '此校验码必须与海报二维码下方印的一致；不一致说明二维码被覆盖，请勿加入。',
    join: '加入群聊',
    joinExternal: '打开{platform}加入',
    noLink: '群主尚未提供加入链接，请联系群主。',
    steps: '加入步骤',
    stepHosted: '点击“加入群聊”，按提示验证身份即可入群。',
    stepExternal: '点击下方按钮，在{platform}中完成加入。',
    longPress: '长按下方二维码，选择“识别图中二维码”，在{platform}中加入群聊。',
    orLink: '也可以直接打开入群链接：',
    openLink: '打开入群链接',
    passwordTitle: '需要访问密码',
    passwordHint: '此群设置了访问密码，请输入群主提供的密码。',
    passwordLabel: '访问密码',
    passwordSubmit: '继续',
    passwordWrong: '密码不正确，请重试。',
  },
  en: {
    checkLabel: 'Check code',
    checkHint: 'This code must match the one printed under the QR code. If it differs, the QR was pasted over: do not join.',
    join: 'Join the group',
    joinExternal: 'Join on {platform}',
    noLink: 'The organiser has not added a join link yet; please ask them.',
    steps: 'How to join',
    stepHosted: 'Tap "Join the group" and confirm who you are.',
    stepExternal: 'Tap the button below and finish joining in {platform}.',
    longPress: 'Long-press the QR code below and choose "Scan QR code" to join the group in {platform}.',
    orLink: 'Or open the join link:',
    openLink: 'Open the join link',
    passwordTitle: 'Password required',
    passwordHint: 'This group is protected by an access password. Enter the one the organiser gave you.',
    passwordLabel: 'Access password',
    passwordSubmit: 'Continue',
    passwordWrong: 'That password is not right. Try again.',
  },
};

const PLATFORM_NAMES: Record<Locale, Record<string, string>> = {
  'zh-CN': { wechat: '微信', wecom: '企业微信', dingtalk: '钉钉', feishu: '飞书', qq: 'QQ', telegram: 'Telegram', discord: 'Discord', whatsapp: 'WhatsApp', line: 'LINE', other: '对应应用' },
  en: { wechat: 'WeChat', wecom: 'WeCom', dingtalk: 'DingTalk', feishu: 'Feishu', qq: 'QQ', telegram: 'Telegram', discord: 'Discord', whatsapp: 'WhatsApp', line: 'LINE', other: 'the app' },
};

/** What a platform is called in the page's language ("other": "the app"). */
export function platformName(locale: Locale, platform: string | null): string {
  return PLATFORM_NAMES[locale][platform ?? 'other'] ?? PLATFORM_NAMES[locale].other!;
}

/** What the landing page shows of a group: a real one, or the one a live code's template will make. */
export type LandingGroup = Pick<GroupView, 'kind' | 'name' | 'description' | 'valueStatement' | 'avatar' | 'memberCount' | 'platform' | 'joinUrl' | 'qrPayload'>;

function letterAvatar(group: LandingGroup): Html {
  const letter = [...group.name.trim()][0] ?? '#';
  return html`<div class="avatar center" style="background:#e6f0ff;color:#0958d9;font-size:36px;line-height:72px;font-weight:600">${letter}</div>`;
}

export const isWebLink = (text: string) => /^https?:\/\/\S+$/i.test(text);

/** An external group's QR drawn again to long-press (WeChat: 识别图中二维码), and its join link if any. */
export function qrStep(locale: Locale, platform: string, qr: string, link: string | null): Html {
  const t = TEXT[locale];
  const linkStep = link ? html`<p class="muted">${t.orLink}</p><a class="button" id="join-link" href="${link}" rel="noopener noreferrer">${t.openLink}</a>` : '';
  return html`<p class="muted">${fill(t.longPress, { platform })}</p><img class="qr" id="group-qr" src="${qr}" alt="QR">${linkStep}`;
}

export interface LandingInput {
  locale: Locale;
  group: LandingGroup;
  checkCode: string;
  token: string;
  /** Carried on to the join step, e.g. a live code's scanner position ("?lat=…&lon=…"). */
  joinQuery?: string;
}

/**
 * The group, its promise, the check code and the one next step, in a page titled with the group's
 * name. The avatar is inlined only when the whole page stays within its budget: the text and an
 * external group's QR (the way in, up to about 16 KB) come first, and a letter stands in.
 */
export function landingBody(input: LandingInput): Html {
  const { avatar, name } = input.group;
  if (avatar && avatar.length < PAGE_BUDGET_BYTES) {
    const withAvatar = landingWith(input, html`<img class="avatar" src="${avatar}" alt="">`);
    if (Buffer.byteLength(withAvatar.value) + pageOverheadBytes(input.locale, name) <= PAGE_BUDGET_BYTES) return withAvatar;
  }
  return landingWith(input, letterAvatar(input.group));
}

function landingWith({ locale, group, checkCode, token, joinQuery = '' }: LandingInput, avatar: Html): Html {
  const t = TEXT[locale];
  const platform = platformName(locale, group.platform);
  // An external group's uploaded QR; its link is the join URL, or else the QR's own web address.
  const payload = group.kind === 'external' ? group.qrPayload : null;
  const qr = payload === null ? null : payloadQrDataUrl(payload);
  const link = group.joinUrl ?? (payload !== null && isWebLink(payload) ? payload : null);
  let next: Html;
  if (group.kind === 'hosted') {
    next = html`<p class="muted">${t.stepHosted}</p><a class="button" href="/j/${token}/join${joinQuery}">${t.join}</a>`;
  } else if (qr) {
    next = qrStep(locale, platform, qr, link);
  } else if (link) {
    next = html`<p class="muted">${fill(t.stepExternal, { platform })}</p><a class="button" href="${link}" rel="noopener noreferrer">${fill(t.joinExternal, { platform })}</a>`;
  } else {
    next = html`<p class="muted">${t.noLink}</p>`;
  }
  // An external group's members join on its platform, so its count is only known once a bridge reports it.
  const count = group.kind === 'hosted' || group.memberCount > 0 ? html`<p class="muted">${memberCountText(locale, group.memberCount)}</p>` : '';
  return html`<div class="card center">${avatar}<h1>${group.name}</h1>${count}${
    group.valueStatement ? html`<p class="value">${group.valueStatement}</p>` : ''
  }${group.description ? html`<p style="text-align:left;white-space:pre-line">${group.description}</p>` : ''}<p>${t.checkLabel} <span class="badge" id="check-code">${checkCode}</span></p><p class="muted">${t.checkHint}</p></div><div class="card"><h2>${t.steps}</h2>${next}</div>`;
}

/** The access-password form; posts back to the same URL. */
export function passwordBody(locale: Locale, token: string, wrong: boolean): Html {
  const t = TEXT[locale];
  return html`<div class="card"><h1>${t.passwordTitle}</h1><p class="muted">${t.passwordHint}</p>${wrong ? html`<p class="error" role="alert">${t.passwordWrong}</p>` : ''}<form method="post" action="/j/${token}"><label for="password">${t.passwordLabel}</label><input id="password" name="password" type="password" autocomplete="off" required maxlength="200" autofocus><button type="submit">${t.passwordSubmit}</button></form></div>`;
}

export function passwordTitle(locale: Locale): string {
  return TEXT[locale].passwordTitle;
}

/** Refusals of the scan path, and the page-level errors around it. */
export type ScanPageProblem = CodeRefusal | 'too_many_attempts' | 'bad_request' | 'unavailable';

const REFUSALS: Record<Locale, Record<ScanPageProblem, [string, string]>> = {
  'zh-CN': {
    invalid: ['二维码无效', '链接已损坏，或并非本服务签发。请重新扫描海报，或向群主索取新的二维码。'],
    expired: ['二维码已过期', '请向群主索取最新的二维码。'],
    not_found: ['二维码不存在', '这个二维码已被删除，请向群主索取新的二维码。'],
    replaced: ['二维码已更换', '群主已重置二维码，旧码立即失效。请扫描最新的海报。'],
    revoked: ['二维码已停用', '群主已停用这个二维码。'],
    paused: ['二维码已暂停', '群主暂时停用了这个二维码，请稍后再试。'],
    not_yet_active: ['尚未开放', '这个二维码将于 {from} 开放。'],
    ended: ['已结束', '这个二维码的开放时间已于 {until} 结束。'],
    daily_cap: ['今日扫码已达上限', '这个二维码今天的扫码次数已满，请明天再试。'],
    total_cap: ['扫码次数已用完', '这个二维码的扫码次数已经用完，请向群主索取新的二维码。'],
    group_archived: ['群已关闭', '这个群已归档，不再接受新成员。'],
    group_full: ['群已满员', '这个群已经满员，请联系群主。'],
    pool_empty: ['暂时无法加入', '这个二维码对应的群目前都不接受新成员，请联系群主获取新的入群方式。'],
    too_many_attempts: ['尝试次数过多', '请 {seconds} 秒后再试。'],
    bad_request: ['请求无效', '请返回上一页重试。'],
    unavailable: ['出了点问题', '请稍后重试。'],
  },
  en: {
    invalid: ['This QR code is not valid', 'The link is damaged or was not issued by this service. Scan the poster again, or ask the organiser for a new code.'],
    expired: ['This QR code has expired', 'Ask the organiser for a current code.'],
    not_found: ['This QR code no longer exists', 'It was deleted. Ask the organiser for a new code.'],
    replaced: ['This QR code has been replaced', 'The organiser issued a new code and this one stopped working. Scan the latest poster.'],
    revoked: ['This QR code was withdrawn', 'The organiser has switched this code off.'],
    paused: ['This QR code is paused', 'The organiser has paused it for now. Try again later.'],
    not_yet_active: ['Not open yet', 'This code opens at {from}.'],
    ended: ['This code has closed', 'It was open until {until}.'],
    daily_cap: ['Too many scans today', 'This code has had all its scans for today. Try again tomorrow.'],
    total_cap: ['This code is used up', 'It has had all the scans it allows. Ask the organiser for a new code.'],
    group_archived: ['This group is closed', 'It has been archived and takes no new members.'],
    group_full: ['This group is full', 'It has no room for new members. Contact the organiser.'],
    pool_empty: ['No group is open right now', 'None of the groups behind this code takes new members at the moment. Ask the organiser for another way in.'],
    too_many_attempts: ['Too many attempts', 'Wait {seconds} s and try again.'],
    bad_request: ['That request is not valid', 'Go back and try again.'],
    unavailable: ['Something went wrong', 'Please try again in a moment.'],
  },
};

function when(ms: number | null | undefined): string {
  return ms === null || ms === undefined ? '' : `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

export function refusalText(locale: Locale, problem: ScanPageProblem, values: { from?: number | null; until?: number | null; seconds?: number } = {}): { title: string; body: Html } {
  const [title, text] = REFUSALS[locale][problem];
  const detail = fill(text, { from: when(values.from), until: when(values.until), seconds: values.seconds ?? 60 });
  return { title, body: html`<div class="card center"><h1 id="refusal" data-reason="${problem}">${title}</h1><p class="muted">${detail}</p></div>` };
}
