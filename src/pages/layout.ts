import type { FastifyReply } from 'fastify';
import { html, raw, type Html } from './html.ts';
import type { Locale } from './locale.ts';

// One small inline stylesheet: member pages open in WeChat's and other in-app browsers on slow
// networks, so they load nothing from elsewhere and stay well under 30 KB.
const STYLE = `
*{box-sizing:border-box}body{margin:0;font:16px/1.5 -apple-system,BlinkMacSystemFont,"PingFang SC","Hiragino Sans GB","Microsoft YaHei","Noto Sans CJK SC",sans-serif;color:#1f2328;background:#f5f6f8}
main{max-width:480px;margin:0 auto;padding:24px 16px 40px}
.card{background:#fff;border-radius:16px;padding:24px 20px;box-shadow:0 1px 3px rgba(0,0,0,.08);margin-bottom:16px}
h1{font-size:22px;margin:8px 0 4px;line-height:1.3}h2{font-size:18px;margin:0 0 12px}
p{margin:8px 0}.muted{color:#656d76;font-size:14px}.center{text-align:center}
.value{font-size:20px;font-weight:600;color:#0958d9;margin:16px 0}
.avatar{width:72px;height:72px;border-radius:16px;object-fit:cover;display:block;margin:0 auto}
.badge{display:inline-block;padding:2px 10px;border-radius:99px;background:#f0f5ff;color:#0958d9;font-size:13px;font-weight:600;letter-spacing:.08em}
.button,button{display:block;width:100%;padding:14px;border:0;border-radius:12px;background:#1677ff;color:#fff;font-size:17px;font-weight:600;text-align:center;text-decoration:none;cursor:pointer}
input{width:100%;padding:12px;border:1px solid #d0d7de;border-radius:10px;font-size:16px;margin:6px 0 12px}
label{font-size:14px;color:#424a53}.error{color:#cf222e;font-size:14px}
ol{padding-left:20px}img.qr{width:100%;max-width:280px;display:block;margin:12px auto;image-rendering:pixelated}
`.replace(/\n/g, '');

export interface PageOptions {
  locale: Locale;
  title: string;
  body: Html;
}

export function page({ locale, title, body }: PageOptions): string {
  return `<!doctype html>${html`<html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="referrer" content="no-referrer"><title>${title}</title><style>${raw(STYLE)}</style></head><body><main>${body}</main></body></html>`}`;
}

/** What a member page may weigh at most (PRODUCT: small, for slow networks and in-app browsers). */
export const PAGE_BUDGET_BYTES = 30 * 1024;

/** The bytes page() puts around a body: the head with its title, and the stylesheet. */
export function pageOverheadBytes(locale: Locale, title: string): number {
  return Buffer.byteLength(page({ locale, title, body: raw('') }));
}

/** Sends a member page; the status tells crawlers and monitors what a person reads on it. */
export function sendPage(reply: FastifyReply, status: number, options: PageOptions): FastifyReply {
  return sendHtml(reply, status, page(options));
}

/** Sends a page rendered by page(), or its bytes (landing-page.ts keeps those). */
export function sendHtml(reply: FastifyReply, status: number, document: string | Buffer): FastifyReply {
  return reply.status(status).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(document);
}
