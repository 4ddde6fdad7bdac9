import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet from 'helmet';
import type { AppInstance } from './types.ts';

/**
 * What the scan pages (GET and POST /j/TOKEN, route config `securityHeaders: 'scan_page'`) keep of
 * helmet's set: a self-contained HTML page (inline style, data: images, no script but the locating
 * page's hashed one) that records a scan, answered thousands of times a minute at an event.
 * - content-security-policy: the app's own, so an injected script or form cannot run or post elsewhere.
 * - x-content-type-options: the page is never sniffed as anything but HTML.
 * - referrer-policy: the token in the URL never leaks to the sites its links open.
 * - cross-origin-opener-policy: a page that opened this one gets no handle on it to navigate later.
 * - strict-transport-security: only over HTTPS, where a scanner who never opens the console
 *   still learns it; browsers ignore it over plain HTTP (RFC 6797, 8.1).
 * Left out, as they do nothing for such a page: x-frame-options (the CSP's frame-ancestors
 * 'none' supersedes it in every engine that scans run in), cross-origin-resource-policy (another
 * site cannot read an HTML page as a subresource: ORB/CORB block it, nosniff included),
 * origin-agent-cluster (an isolation hint for pages using document.domain), x-dns-prefetch-control
 * (the page prefetches nothing of its own), x-download-options (Internet Explorer 8),
 * x-permitted-cross-domain-policies (Flash and Acrobat) and x-xss-protection (switches off an
 * auditor that current browsers no longer have). Cache-Control: no-store comes with every page (layout.ts).
 */
const SCAN_PAGE_HEADERS = ['content-security-policy', 'x-content-type-options', 'referrer-policy', 'cross-origin-opener-policy'];

/**
 * Security headers on every response: helmet's set, or the smaller one a route names in its config
 * (SCAN_PAGE_HEADERS). Helmet's headers do not depend on the request, so they are computed once at
 * start-up and set in one step: running helmet's middleware chain on every request (as
 * @fastify/helmet does, rebuilding it each time) cost the hot scan path dearly.
 */
export function registerSecurityHeaders(app: AppInstance, publicUrl: string): void {
  const setHeaders = helmet({
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        // Ant Design injects its styles at run time.
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        connectSrc: ["'self'"],
        frameAncestors: ["'none'"],
        formAction: ["'self'"],
        baseUri: ["'self'"],
        objectSrc: ["'none'"],
        // Over plain HTTP (a LAN install) upgrading would break every asset request.
        upgradeInsecureRequests: publicUrl.startsWith('https://') ? [] : null,
      },
    },
    crossOriginEmbedderPolicy: false,
  });
  const headers: Record<string, string> = {};
  const capture = {
    setHeader: (name: string, value: string | number | readonly string[]) => {
      headers[name.toLowerCase()] = String(value);
    },
    removeHeader: () => undefined,
  };
  setHeaders({} as IncomingMessage, capture as unknown as ServerResponse, () => undefined);
  const https = publicUrl.startsWith('https://');
  const scanPage = Object.fromEntries(
    Object.entries(headers).filter(([name]) => SCAN_PAGE_HEADERS.includes(name) || (https && name === 'strict-transport-security')),
  );
  app.addHook('onRequest', (request, reply, done) => {
    reply.headers(request.routeOptions.config.securityHeaders === 'scan_page' ? scanPage : headers);
    done();
  });
}
