import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { AppInstance } from './types.ts';

/** console/dist, from src/http or dist/http alike. */
export const CONSOLE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../console/dist');

/**
 * Serves the built console at /console/. Unknown paths below it get index.html, so the SPA's own
 * router can show deep links.
 */
export async function registerConsole(app: AppInstance, root = CONSOLE_DIR): Promise<void> {
  const built = existsSync(path.join(root, 'index.html'));
  if (!built) app.log.warn({ root }, 'console is not built; run npm run build:console');
  app.get('/', { schema: { hide: true } }, async (_request, reply) => reply.redirect('/console/'));
  app.get('/console', { schema: { hide: true } }, async (_request, reply) => reply.redirect('/console/'));
  if (!built) return;
  await app.register(fastifyStatic, {
    root,
    prefix: '/console/',
    wildcard: false,
    index: false,
    setHeaders: (res, file) => {
      res.header('cache-control', file.includes(`${path.sep}assets${path.sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
  app.get('/console/*', { schema: { hide: true } }, async (_request, reply) =>
    reply.header('cache-control', 'no-cache').sendFile('index.html', root),
  );
}
