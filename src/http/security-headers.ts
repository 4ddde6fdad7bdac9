import helmet from 'helmet';
import type { AppInstance } from './types.ts';

/**
 * Security headers on every response. The helmet middleware is built once: @fastify/helmet
 * rebuilds it (re-parsing the CSP) on every request, which cost the hot scan path dearly.
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
  app.addHook('onRequest', (request, reply, done) => {
    setHeaders(request.raw, reply.raw, (error?: unknown) => done(error as Error | undefined));
  });
}
