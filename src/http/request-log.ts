import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';

export interface RequestLogOptions {
  /** Never logged: probes and scrapes arrive every few seconds and would drown the useful lines. */
  silent: (url: string) => boolean;
  /**
   * Logged only when they fail: the public pages every scan and click opens (thousands a minute at
   * an event), where two lines a request cost more than the page itself and say nothing new.
   */
  failuresOnly: (url: string) => boolean;
}

/**
 * Fastify's request log lines ("incoming request", "request completed") by path. A request on a
 * failures-only path that errors or is answered 5xx gets one line at error level with the request,
 * the response and its time; every line keeps the request id (requestId), as the child logger of
 * each request carries it whatever is logged.
 */
export class RequestLog extends LogController {
  readonly #failuresOnly: (url: string) => boolean;

  constructor(options: RequestLogOptions) {
    super({ requestIdLogLabel: 'requestId', disableRequestLogging: (request) => options.silent(request.url) });
    this.#failuresOnly = options.failuresOnly;
  }

  override incomingRequest(request: FastifyRequest, reply: FastifyReply): void {
    if (!this.#failuresOnly(request.url)) super.incomingRequest(request, reply);
  }

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (!this.#failuresOnly(request.url)) return super.requestCompleted(error, request, reply);
    if (!error && reply.statusCode < 500) return;
    reply.log.error({ req: request, res: reply, err: error ?? undefined, responseTime: reply.elapsedTime }, error ? 'request errored' : 'request failed');
  }
}
