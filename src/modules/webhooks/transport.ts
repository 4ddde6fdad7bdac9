import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { WebhookTarget } from './url-guard.ts';

export interface TransportLimits {
  connectTimeoutMs: number;
  /** From sending the request to the end of the (truncated) response. */
  responseTimeoutMs: number;
  /** How much of the response body is read and kept for the delivery log. */
  excerptBytes: number;
}

export const DELIVERY_LIMITS: TransportLimits = { connectTimeoutMs: 5_000, responseTimeoutMs: 10_000, excerptBytes: 4096 };

export interface PostResult {
  statusCode: number | null;
  error: string | null;
  durationMs: number;
  responseExcerpt: string | null;
}

/** Answers every DNS question with the address the URL guard approved. */
function pinnedLookup(target: WebhookTarget): LookupFunction {
  return (_hostname, options, callback) => {
    if (options.all) callback(null, [{ address: target.address, family: target.family }]);
    else callback(null, target.address, target.family);
  };
}

/**
 * POSTs one webhook to the checked address, never following redirects (a 3xx is a failed attempt,
 * so a redirect cannot lead past the URL guard). Resolves with what happened; never rejects.
 */
export function postWebhook(target: WebhookTarget, headers: Record<string, string>, body: string, limits: TransportLimits = DELIVERY_LIMITS): Promise<PostResult> {
  const started = performance.now();
  const send = target.url.protocol === 'https:' ? https.request : http.request;
  return new Promise((resolve) => {
    let request: http.ClientRequest | undefined;
    let settled = false;
    const finish = (result: Omit<PostResult, 'durationMs'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(connectTimer);
      clearTimeout(responseTimer);
      request?.destroy();
      resolve({ ...result, durationMs: Math.round(performance.now() - started) });
    };
    const failed = (error: string) => finish({ statusCode: null, error, responseExcerpt: null });
    const connectTimer = setTimeout(() => failed(`could not connect within ${limits.connectTimeoutMs / 1000} s`), limits.connectTimeoutMs);
    const responseTimer = setTimeout(() => failed(`no complete response within ${limits.responseTimeoutMs / 1000} s`), limits.responseTimeoutMs);

    try {
      request = send(
        target.url,
        {
          method: 'POST',
          headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
          lookup: pinnedLookup(target),
          // A fresh connection per attempt: a pooled socket could be bound to an address checked earlier.
          agent: false,
        },
        (response) => {
          const chunks: Buffer[] = [];
          let size = 0;
          const done = () => {
            const excerpt = Buffer.concat(chunks).subarray(0, limits.excerptBytes).toString('utf8');
            finish({ statusCode: response.statusCode ?? null, error: null, responseExcerpt: excerpt === '' ? null : excerpt });
          };
          response.on('data', (chunk: Buffer) => {
            chunks.push(chunk);
            size += chunk.length;
            // Enough for the log; the rest of a large body is not worth waiting for.
            if (size >= limits.excerptBytes) done();
          });
          response.on('end', done);
          response.on('error', done);
        },
      );
    } catch (error) {
      failed(error instanceof Error ? error.message : String(error));
      return;
    }
    request.on('socket', (socket) => socket.once('connect', () => clearTimeout(connectTimer)));
    request.on('error', (error) => failed(error.message));
    request.end(body);
  });
}
