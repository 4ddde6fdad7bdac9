import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Fastify, { type FastifyBaseLogger } from 'fastify';
import pino from 'pino';
import { RequestLog } from './request-log.ts';

interface Line {
  level: number;
  msg: string;
  requestId?: string;
  req?: { url: string };
  res?: { statusCode: number };
}

/** An app logging at info into `lines`, with the paths of the real one. */
async function appLogging(lines: Line[]) {
  const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line) as Line) });
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    logController: new RequestLog({ silent: (url) => url === '/healthz', failuresOnly: (url) => url.startsWith('/j/') }),
  });
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/j/:token', async (request, reply) => {
    const { token } = request.params as { token: string };
    if (token === 'boom') throw new Error('the disk is gone');
    if (token === 'down') return reply.status(503).send('try later');
    return 'landing';
  });
  app.get('/api/v1/things', async () => []);
  await app.ready();
  return app;
}

describe('request log', () => {
  it('given scans that succeed, then they log nothing, while API requests log their two lines and probes none', async () => {
    const lines: Line[] = [];
    const app = await appLogging(lines);
    await app.inject({ url: '/j/fine' });
    await app.inject({ url: '/healthz' });
    assert.equal(lines.length, 0);
    await app.inject({ url: '/api/v1/things' });
    assert.deepEqual(
      lines.map((l) => l.msg),
      ['incoming request', 'request completed'],
    );
    await app.close();
  });

  it('given scans that fail or are answered 5xx, then each is logged at error level with its request id, URL and status', async () => {
    const lines: Line[] = [];
    const app = await appLogging(lines);
    const boom = await app.inject({ url: '/j/boom', headers: { 'x-request-id': 'abc' } });
    const down = await app.inject({ url: '/j/down' });
    const failures = lines.filter((l) => l.msg === 'request errored' || l.msg === 'request failed');
    assert.deepEqual(
      failures.map((l) => [l.level, l.req?.url, l.res?.statusCode, typeof l.requestId]),
      [
        [50, '/j/boom', boom.statusCode, 'string'],
        [50, '/j/down', down.statusCode, 'string'],
      ],
    );
    assert.ok(!lines.some((l) => l.msg === 'incoming request' || l.msg === 'request completed'));
    await app.close();
  });
});
