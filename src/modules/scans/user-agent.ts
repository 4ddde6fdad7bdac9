/**
 * A scan's user agent reduced to the few facts analytics and routing need: which app's in-app
 * browser opened the code (most scans arrive inside WeChat, QQ, Alipay, DingTalk…, and a QR for a
 * WeChat group is useless outside WeChat), which OS, which kind of device, and whether it is a bot.
 * The raw string is not kept: it is long, fingerprinting and rarely needed.
 */
export const USER_AGENT_APPS = [
  'wechat', 'wecom', 'qq', 'alipay', 'dingtalk', 'feishu', 'weibo', 'douyin',
  'telegram', 'line', 'facebook', 'instagram', 'browser', 'bot', 'unknown',
] as const;
export type UserAgentApp = (typeof USER_AGENT_APPS)[number];
export type UserAgentOs = 'ios' | 'android' | 'harmonyos' | 'windows' | 'macos' | 'linux' | 'other';
export type UserAgentDevice = 'mobile' | 'tablet' | 'desktop' | 'bot' | 'unknown';

export interface UserAgentClass {
  app: UserAgentApp;
  os: UserAgentOs;
  device: UserAgentDevice;
  bot: boolean;
}

/** Longer strings are cut before matching: real user agents stay well under this, and the cost stays bounded. */
export const MAX_USER_AGENT_LENGTH = 1024;

/**
 * Crawlers, link-preview fetchers, HTTP libraries and headless browsers. The generic bot/spider/crawl
 * words come last; "bot" preceded by "cu" is the CUBOT phone brand, not a crawler.
 */
const BOT =
  /(?<!cu)bot\b|spider|crawl|slurp|facebookexternalhit|WhatsApp\/|Mediapartners-Google|\b(?:curl|Wget|python-requests|python-urllib|aiohttp|httpx|Go-http-client|okhttp|Java|Apache-HttpClient|node-fetch|axios|undici|libwww-perl|PostmanRuntime|Scrapy)\/|HeadlessChrome|PhantomJS|Lighthouse/i;

/**
 * In-app browsers, most specific first: WeCom also says MicroMessenger; DingTalk says AliApp like
 * Alipay; Lark (Feishu) runs ByteDance's webview; QQ's in-app browser says "QQ/<version>" while the
 * standalone QQ Browser says only MQQBrowser/QQBrowser (and WeChat on Android carries MQQBrowser too).
 * Douyin covers ByteDance's webview in general (Toutiao shares it). Telegram on iOS and some other
 * apps open links in the system browser view, which looks like Safari and counts as a browser.
 */
const APPS: [UserAgentApp, RegExp][] = [
  ['wecom', /\bwxwork\//i],
  ['wechat', /MicroMessenger\//i],
  ['dingtalk', /DingTalk\//i],
  ['alipay', /AlipayClient\//i],
  ['feishu', /\b(?:Lark|Feishu)\//],
  ['qq', /(?:^|[\s;(])QQ\/\d/],
  ['weibo', /\bWeibo\b|__weibo__/i],
  ['douyin', /\baweme|BytedanceWebview\//i],
  ['telegram', /Telegram-Android\//],
  ['line', /\bLine\/\d/],
  ['instagram', /\bInstagram \d/],
  ['facebook', /\bFB(?:AN|AV|_IAB)\//],
];

const OSES: [UserAgentOs, RegExp][] = [
  ['harmonyos', /OpenHarmony|HarmonyOS|ArkWeb\//],
  ['ios', /\b(?:iPhone|iPad|iPod)\b|\biOS\b|CPU OS \d/],
  ['android', /Android/],
  ['windows', /Windows/],
  ['macos', /Macintosh|Mac OS X/],
  ['linux', /Linux|X11|CrOS/],
];

function deviceOf(ua: string, os: UserAgentOs): UserAgentDevice {
  if (/iPad|Tablet/i.test(ua)) return 'tablet';
  if (/iPhone|iPod|Mobile/i.test(ua)) return 'mobile';
  // Android tablets leave "Mobile" out of the user agent.
  if (os === 'android') return 'tablet';
  if (os === 'windows' || os === 'macos' || os === 'linux' || /\(PC;/.test(ua)) return 'desktop';
  return 'unknown';
}

/** User agents whose class is kept: scans come from a few app and OS versions at a time. */
export const USER_AGENTS_KEPT = 1000;
const known = new Map<string, UserAgentClass>();

/**
 * Classifies a User-Agent header. Missing or unrecognisable strings come back as 'unknown' (not as
 * bots: analytics decides what to do with them). The result is shared: do not change it.
 */
export function classifyUserAgent(ua: string | undefined): UserAgentClass {
  const text = (ua ?? '').slice(0, MAX_USER_AGENT_LENGTH);
  let result = known.get(text);
  if (!result) {
    if (known.size >= USER_AGENTS_KEPT) known.delete(known.keys().next().value!);
    known.set(text, (result = Object.freeze(classify(text))));
  }
  return result;
}

function classify(text: string): UserAgentClass {
  const os = OSES.find(([, pattern]) => pattern.test(text))?.[0] ?? 'other';
  if (BOT.test(text)) return { app: 'bot', os, device: 'bot', bot: true };
  const app = APPS.find(([, pattern]) => pattern.test(text))?.[0] ?? (/^(?:Mozilla|Opera)\//.test(text) ? 'browser' : 'unknown');
  return { app, os, device: deviceOf(text, os), bot: false };
}
