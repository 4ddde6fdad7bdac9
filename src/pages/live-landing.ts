import { createHash } from 'node:crypto';
import type { FastifyReply } from 'fastify';
import { html, raw, type Html } from './html.ts';
import { isWebLink, platformName, qrStep } from './landing.ts';
import { fill, type Locale, type Messages } from './locale.ts';

/**
 * The live-code pages a scanner sees besides the group landing page (landing.ts): an external
 * group's QR to long-press or its join link, and the short "finding the nearest group" step of
 * nearest routing.
 */
type Key = 'steps' | 'checkLabel' | 'checkHint' | 'joinOn' | 'tapLink' | 'locating' | 'locatingHint' | 'withoutLocation';

const TEXT: Messages<Key> = {
  'zh-CN': {
    steps: '加入步骤',
    checkLabel: '校验码',
    checkHint: '此校验码必须与海报二维码下方印的一致；不一致说明二维码被覆盖，请勿加入。',
    joinOn: '打开{platform}加入',
    tapLink: '点击下方按钮，在{platform}中完成加入。',
    locating: '正在为你寻找最近的群…',
    locatingHint: '浏览器可能会询问是否共享位置。位置只用于选择最近的群，不会被保存。',
    withoutLocation: '不共享位置，继续',
  },
  en: {
    steps: 'How to join',
    checkLabel: 'Check code',
    checkHint: 'This code must match the one printed under the QR code. If it differs, the QR was pasted over: do not join.',
    joinOn: 'Join on {platform}',
    tapLink: 'Tap the button below and finish joining in {platform}.',
    locating: 'Finding the group nearest to you…',
    locatingHint: 'Your browser may ask to share your location. It is only used to pick the nearest group and is not stored.',
    withoutLocation: 'Continue without sharing location',
  },
};

export interface LinkLandingInput {
  locale: Locale;
  title: string;
  label: string;
  checkCode: string;
  source: 'image' | 'url';
  payload: string;
  platform: string | null;
  /** The payload drawn as a PNG data: URL (image entries), or null when it could not be drawn. */
  qr: string | null;
}

/** An external group: its QR to long-press (image entries) and, when it is a web link, the link. */
export function linkLandingBody(input: LinkLandingInput): Html {
  const t = TEXT[input.locale];
  const platform = platformName(input.locale, input.platform);
  const link = input.source === 'url' || isWebLink(input.payload) ? input.payload : null;
  let next: Html;
  if (input.source === 'image' && input.qr) {
    next = qrStep(input.locale, platform, input.qr, link);
  } else if (link) {
    next = html`<p class="muted">${fill(t.tapLink, { platform })}</p><a class="button" id="join-link" href="${link}" rel="noopener noreferrer">${fill(t.joinOn, { platform })}</a>`;
  } else {
    next = html``;
  }
  return html`<div class="card center"><h1>${input.title}</h1>${input.label ? html`<p class="muted">${input.label}</p>` : ''}<p>${t.checkLabel} <span class="badge" id="check-code">${input.checkCode}</span></p><p class="muted">${t.checkHint}</p></div><div class="card"><h2>${t.steps}</h2>${next}</div>`;
}

/**
 * Reopens the code with the browser's position, or without one when it is refused or
 * unavailable (geolocation needs HTTPS): either way the next request routes and is the scan.
 */
const LOCATE_SCRIPT =
  "(function(){var g=navigator.geolocation;function go(q){location.replace(location.pathname+q)}if(!g){go('?located=0');return}" +
  "g.getCurrentPosition(function(p){go('?lat='+p.coords.latitude.toFixed(5)+'&lon='+p.coords.longitude.toFixed(5))},function(){go('?located=0')},{timeout:10000,maximumAge:600000})})();";
const LOCATE_SCRIPT_HASH = `'sha256-${createHash('sha256').update(LOCATE_SCRIPT).digest('base64')}'`;

export function locatingBody(locale: Locale, title: string, token: string): Html {
  const t = TEXT[locale];
  return html`<div class="card center"><h1>${title}</h1><p id="locating">${t.locating}</p><p class="muted">${t.locatingHint}</p><a class="button" href="/j/${token}?located=0">${t.withoutLocation}</a></div><script>${raw(LOCATE_SCRIPT)}</script>`;
}

/** The app's CSP allows no inline script; this page's one script is allowed by its hash alone. */
export function allowLocateScript(reply: FastifyReply): void {
  const csp = String(reply.getHeader('content-security-policy') ?? '');
  reply.header('content-security-policy', csp.replace(/script-src ([^;]*)/, `script-src $1 ${LOCATE_SCRIPT_HASH}`));
}
