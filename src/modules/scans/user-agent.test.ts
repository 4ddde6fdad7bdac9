import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { classifyUserAgent, MAX_USER_AGENT_LENGTH, type UserAgentClass } from './user-agent.ts';

const IPHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148';
const ANDROID_WV =
  'Mozilla/5.0 (Linux; Android 13; V2227A Build/TP1A.220624.014; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/107.0.5304.141 Mobile Safari/537.36';

const m = (app: UserAgentClass['app'], os: UserAgentClass['os'], device: UserAgentClass['device'] = 'mobile'): UserAgentClass => ({
  app,
  os,
  device,
  bot: app === 'bot',
});

/** Real user agents as their apps send them (versions vary; the markers do not). */
const CASES: [string, string, UserAgentClass][] = [
  ['WeChat iOS', `${IPHONE} MicroMessenger/8.0.40(0x18002831) NetType/WIFI Language/zh_CN`, m('wechat', 'ios')],
  [
    'WeChat Android (X5/XWEB, carries MQQBrowser)',
    'Mozilla/5.0 (Linux; Android 10; V1914A Build/QP1A.190711.020; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/78.0.3904.62 XWEB/2693 MMWEBSDK/201201 Mobile Safari/537.36 MMWEBID/6203 MicroMessenger/7.0.22.1820(0x2700163B) Process/toolsmp WeChat/arm64 Weixin NetType/WIFI Language/zh_CN ABI/arm64',
    m('wechat', 'android'),
  ],
  [
    'WeChat for Windows',
    'Mozilla/5.0 (Windows NT 10.0; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/81.0.4044.138 Safari/537.36 NetType/WIFI MicroMessenger/7.0.20.1781(0x6700143B) WindowsWechat(0x63090719) XWEB/8391 Flue',
    m('wechat', 'windows', 'desktop'),
  ],
  [
    'WeChat for Mac',
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) MicroMessenger/6.8.0(0x16080000) MacWechat/3.8.5(0x13080510) Safari/605.1.15 NetType/WIFI',
    m('wechat', 'macos', 'desktop'),
  ],
  ['WeChat on iPad', 'Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.40(0x18002831) NetType/WIFI Language/zh_CN', m('wechat', 'ios', 'tablet')],
  ['WeCom iOS (also says MicroMessenger)', `${IPHONE} wxwork/4.1.10 MicroMessenger/7.0.1 Language/zh ColorScheme/Light`, m('wecom', 'ios')],
  [
    'WeCom Android',
    `${ANDROID_WV} wxwork/4.1.6 ColorScheme/Light MicroMessenger/7.0.1 NetType/WIFI Language/zh Lang/zh ColorScheme/Light wwmver/3.26.16.713`,
    m('wecom', 'android'),
  ],
  [
    'QQ iOS',
    `${IPHONE} QQ/8.9.38.626 V1_IPH_SQ_8.9.38_1_APP_A Pixel/1170 MiniAppEnable SimpleUISwitch/0 StudyMode/0 QQTheme/1000 Core/WKWebView Device/Apple(iPhone 13) NetType/WIFI QBWebViewType/1 WKType/1`,
    m('qq', 'ios'),
  ],
  [
    'QQ Android (TBS webview says MQQBrowser, the app says QQ/)',
    'Mozilla/5.0 (Linux; Android 12; M2012K11AC Build/SKQ1.211006.001; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/98.0.4758.102 MQQBrowser/6.2 TBS/046291 Mobile Safari/537.36 V1_AND_SQ_8.9.28_3700_YYB_D A_8092800 QQ/8.9.28.10155 NetType/WIFI WebP/0.3.0 AppId/537153297 Pixel/1080 QQTheme/1000',
    m('qq', 'android'),
  ],
  [
    'QQ Browser (a browser, not the QQ app)',
    'Mozilla/5.0 (Linux; U; Android 13; zh-cn; PGT-AN10 Build/HONORPGT-AN10) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/109.0.5414.86 MQQBrowser/14.2 Mobile Safari/537.36 COVC/046517',
    m('browser', 'android'),
  ],
  [
    'QQ Browser for Windows',
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/94.0.4606.71 Safari/537.36 Core/1.94.202.400 QQBrowser/11.9.5355.400',
    m('browser', 'windows', 'desktop'),
  ],
  [
    'Alipay Android',
    'Mozilla/5.0 (Linux; U; Android 12; zh-CN; ELS-AN00 Build/HUAWEIELS-AN00) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/89.0.4389.58 UWS/3.22.2.58 Mobile Safari/537.36 UCBS/3.22.2.58_230817100052 ChannelId(1) NebulaSDK/1.8.100112 Nebula AlipayDefined(nt:WIFI,ws:360|0|3.0) AliApp(AP/10.5.26.8000) AlipayClient/10.5.26.8000 Language/zh-Hans useStatusBar/true',
    m('alipay', 'android'),
  ],
  [
    'Alipay iOS',
    `${IPHONE} Ariver/1.1.0 AliApp(AP/10.5.30.6000) Nebula WK RVKType(0) AlipayDefined(nt:WIFI,ws:390|780|3.0) AlipayClient/10.5.30.6000 Alipay Language/zh-Hans Region/CN`,
    m('alipay', 'ios'),
  ],
  ['DingTalk iOS (also says AliApp)', `${IPHONE} AliApp(DingTalk/7.0.10) com.laiwang.DingTalk/28203311 Channel/201200 language/zh-Hans-CN UT4Aplus/0.0.6 WK`, m('dingtalk', 'ios')],
  [
    'DingTalk Android',
    'Mozilla/5.0 (Linux; U; Android 12; zh-CN; M2102K1C Build/SKQ1.211006.001) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/69.0.3497.100 UWS/3.22.0.36 Mobile Safari/537.36 AliApp(DingTalk/6.5.50) com.alibaba.android.rimet/28165541 Channel/700159 language/zh-CN abi/64',
    m('dingtalk', 'android'),
  ],
  ['Feishu iOS', `${IPHONE} Lark/6.6.3 LarkLocale/zh_CN ChannelName/Feishu TTWebView/1121`, m('feishu', 'ios')],
  [
    'Feishu desktop (ByteDance webview)',
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/114.0.0.0 Safari/537.36 Lark/7.1.8 LarkLocale/zh_CN ChannelName/Feishu BytedanceWebview/d8a21c6',
    m('feishu', 'macos', 'desktop'),
  ],
  ['Weibo iOS', `${IPHONE} Weibo (iPhone14,5__weibo__13.8.1__iphone__os16.6)`, m('weibo', 'ios')],
  ['Weibo Android', `${ANDROID_WV} Weibo (HUAWEI-NOH-AN00__weibo__13.7.3__android__android12)`, m('weibo', 'android')],
  ['Douyin iOS', `${IPHONE} aweme_27.5.0 JsSdk/2.0 NetType/WIFI Channel/App Store ByteLocale/zh Region/CN AppTheme/light WKWebView/1 BytedanceWebview/d8a21c6`, m('douyin', 'ios')],
  ['Douyin Android', `${ANDROID_WV} aweme_270500 JsSdk/1.0 NetType/WIFI Channel/douyin_tengxun_wzl app_version/27.5.0 ByteLocale/zh Region/CN BytedanceWebview/d8a21c6`, m('douyin', 'android')],
  [
    'Telegram Android',
    'Mozilla/5.0 (Linux; Android 13; SM-S908B Build/TP1A.220624.014; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/120.0.6099.144 Mobile Safari/537.36 Telegram-Android/10.5.0 (Samsung SM-S908B; Android 13; SDK 33; HIGH)',
    m('telegram', 'android'),
  ],
  ['LINE iOS', `${IPHONE} Safari Line/13.12.0`, m('line', 'ios')],
  ['LINE Android', `${ANDROID_WV} Line/13.11.1/IAB`, m('line', 'android')],
  ['Facebook iOS', `${IPHONE} [FBAN/FBIOS;FBDV/iPhone14,2;FBMD/iPhone;FBSN/iOS;FBSV/16.6;FBSS/3;FBID/phone;FBLC/en_US;FBOP/5;FBRV/0]`, m('facebook', 'ios')],
  ['Facebook Android', `${ANDROID_WV} [FB_IAB/FB4A;FBAV/438.0.0.33.118;]`, m('facebook', 'android')],
  ['Messenger iOS', `${IPHONE} [FBAN/MessengerForiOS;FBAV/431.0.0.37.107;FBBV/533496720;FBDV/iPhone13,2]`, m('facebook', 'ios')],
  ['Instagram iOS', `${IPHONE} Instagram 300.0.0.14.109 (iPhone14,5; iOS 16_6; en_US; en-US; scale=3.00; 1170x2532; 516046000)`, m('instagram', 'ios')],
  ['Instagram Android', `${ANDROID_WV} Instagram 301.0.0.33.110 Android (33/13; 420dpi; 1080x2400; vivo; V2227A; PD2227; qcom; en_US; 520702527)`, m('instagram', 'android')],
  ['Safari iPhone', `${IPHONE.replace('Mobile/15E148', 'Version/16.6 Mobile/15E148 Safari/604.1')}`, m('browser', 'ios')],
  ['Chrome Android', 'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36', m('browser', 'android')],
  ['Chrome Android tablet', 'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36', m('browser', 'android', 'tablet')],
  ['Firefox Android tablet', 'Mozilla/5.0 (Android 13; Tablet; rv:120.0) Gecko/120.0 Firefox/120.0', m('browser', 'android', 'tablet')],
  [
    'Huawei Browser on HarmonyOS 4',
    'Mozilla/5.0 (Linux; Android 12; HarmonyOS; NOH-AN00; HMSCore 6.13.0.302) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/99.0.4844.88 HuaweiBrowser/14.0.5.303 Mobile Safari/537.36',
    m('browser', 'harmonyos'),
  ],
  [
    'HarmonyOS NEXT phone',
    'Mozilla/5.0 (Phone; OpenHarmony 4.2) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/114.0.0.0 Safari/537.36 ArkWeb/4.1.6.1 Mobile HuaweiBrowser/5.0.4.300',
    m('browser', 'harmonyos'),
  ],
  [
    'HarmonyOS PC',
    'Mozilla/5.0 (PC; OpenHarmony 5.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/114.0.0.0 Safari/537.36 ArkWeb/4.1.6.1 HuaweiBrowser/5.0.4.300',
    m('browser', 'harmonyos', 'desktop'),
  ],
  [
    'WeChat on HarmonyOS NEXT',
    'Mozilla/5.0 (Phone; OpenHarmony 5.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/114.0.0.0 Safari/537.36 ArkWeb/5.0.0.1 Mobile MicroMessenger/8.0.1.33(0x20001121) NetType/WIFI Language/zh_CN',
    m('wechat', 'harmonyos'),
  ],
  ['Chrome Windows', 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 Edg/120.0.0.0', m('browser', 'windows', 'desktop')],
  ['Safari macOS', 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15', m('browser', 'macos', 'desktop')],
  ['Firefox Linux', 'Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0', m('browser', 'linux', 'desktop')],
  [
    'CUBOT phone (a brand, not a bot)',
    'Mozilla/5.0 (Linux; Android 10; CUBOT_X30 Build/QP1A.190711.020) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36',
    m('browser', 'android'),
  ],
  ['Googlebot', 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)', m('bot', 'other', 'bot')],
  [
    'Googlebot smartphone',
    'Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.129 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
    m('bot', 'android', 'bot'),
  ],
  ['Bingbot', 'Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)', m('bot', 'other', 'bot')],
  ['Baiduspider', 'Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)', m('bot', 'other', 'bot')],
  ['Sogou', 'Sogou web spider/4.0(+http://www.sogou.com/docs/help/webmasters.htm#07)', m('bot', 'other', 'bot')],
  ['Bytespider', 'Mozilla/5.0 (Linux; Android 5.0) AppleWebKit/537.36 (KHTML, like Gecko) Mobile Safari/537.36 (compatible; Bytespider; spider-feedback@bytedance.com)', m('bot', 'android', 'bot')],
  ['Yahoo Slurp', 'Mozilla/5.0 (compatible; Yahoo! Slurp; http://help.yahoo.com/help/us/ysearch/slurp)', m('bot', 'other', 'bot')],
  ['Facebook link preview', 'facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)', m('bot', 'other', 'bot')],
  ['Telegram link preview', 'TelegramBot (like TwitterBot)', m('bot', 'other', 'bot')],
  ['WhatsApp link preview', 'WhatsApp/2.23.20.0 A', m('bot', 'other', 'bot')],
  ['Slack link preview', 'Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)', m('bot', 'other', 'bot')],
  ['Discord link preview', 'Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)', m('bot', 'other', 'bot')],
  ['curl', 'curl/8.4.0', m('bot', 'other', 'bot')],
  ['Wget', 'Wget/1.21.4', m('bot', 'other', 'bot')],
  ['python-requests', 'python-requests/2.31.0', m('bot', 'other', 'bot')],
  ['Go', 'Go-http-client/2.0', m('bot', 'other', 'bot')],
  ['OkHttp', 'okhttp/4.12.0', m('bot', 'other', 'bot')],
  ['Java', 'Java/17.0.9', m('bot', 'other', 'bot')],
  ['Headless Chrome', 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0.6099.28 Safari/537.36', m('bot', 'linux', 'bot')],
  ['Lighthouse', 'Mozilla/5.0 (Linux; Android 11; moto g power (2022)) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0.0.0 Mobile Safari/537.36 Chrome-Lighthouse', m('bot', 'android', 'bot')],
  ['missing', '', m('unknown', 'other', 'unknown')],
  ['an app HTTP client', 'Dalvik/2.1.0 (Linux; U; Android 11; M2010J19SG Build/RKQ1.201004.002)', m('unknown', 'android', 'tablet')],
  ['garbage', '}{)(*&^%$#@!', m('unknown', 'other', 'unknown')],
];

for (const [name, ua, expected] of CASES) {
  test(`given ${name}, then it is classified as ${expected.app} on ${expected.os} (${expected.device})`, () => {
    assert.deepEqual(classifyUserAgent(ua), expected);
  });
}

test('given no header, then the scan is unknown but not a bot', () => {
  assert.deepEqual(classifyUserAgent(undefined), m('unknown', 'other', 'unknown'));
});

test('given markers past the length cap, then they are not read', () => {
  const padded = `Mozilla/5.0 (Windows NT 10.0) ${'x'.repeat(MAX_USER_AGENT_LENGTH)} MicroMessenger/8.0.40`;
  assert.equal(classifyUserAgent(padded).app, 'browser');
});

test('given hostile strings, then classification stays fast and never throws', () => {
  const started = performance.now();
  for (const evil of ['bot'.repeat(5000), ' '.repeat(100_000), `${'Q'.repeat(50_000)}Q/`, `${'a'.repeat(1023)}MicroMessenger/`, '('.repeat(100_000)]) classifyUserAgent(evil);
  fc.assert(fc.property(fc.string({ maxLength: 2000 }), (ua) => void classifyUserAgent(ua)), { numRuns: 2000 });
  assert.ok(performance.now() - started < 2000);
});
