import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet from 'helmet';
import type { AppInstance } from './types.ts';

/**
 * Security headers on every response. Helmet's headers do not depend on the request, so they are
 * computed once at start-up and set in one step: running helmet's middleware chain on every
 * request (as @fastify/helmet does, rebuilding it each time) cost the hot scan path dearly.
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
  app.addHook('onRequest', (_request, reply, done) => {
    reply.headers(headers);
    done();
  });
}
