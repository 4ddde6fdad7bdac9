import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyReply } from 'fastify';
import { AppError } from '../errors.ts';
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
  if (!built) {
    app.get('/console', { schema: { hide: true } }, async () => {
      throw new AppError('not_ready', 'The console is not built; run npm run build:console');
    });
    return;
  }
  const sendIndex = (reply: FastifyReply) => reply.header('cache-control', 'no-cache').sendFile('index.html', root);
  await app.register(fastifyStatic, {
    root,
    prefix: '/console/',
    wildcard: false,
    index: false,
    setHeaders: (res, file) => {
      res.header('cache-control', file.includes(`${path.sep}assets${path.sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
  // With ignoreTrailingSlash, /console and /console/ are one route: redirect only the former.
  app.get('/console', { schema: { hide: true } }, async (request, reply) =>
    request.url.split('?')[0]!.endsWith('/') ? sendIndex(reply) : reply.redirect('/console/'),
  );
  app.get('/console/*', { schema: { hide: true } }, async (request, reply) => {
    // A missing hashed asset is a stale page asking for an old build: a 404, not the SPA shell.
    if (request.url.startsWith('/console/assets/')) throw new AppError('not_found', 'No such console asset');
    return sendIndex(reply);
  });
}
