import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, toProblem, type ErrorCode } from '../errors.ts';
import type { AppInstance } from './types.ts';

// Fastify's own client-error codes and what they mean in our registry.
const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'malformed_json',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'malformed_json',
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'validation_failed',
  FST_ERR_CTP_INVALID_TYPE: 'unsupported_media_type',
};

function validationProblem(error: FastifyError): AppError {
  const errors = (error.validation ?? []).map((issue) => {
    const where = error.validationContext ?? 'body';
    const extra = issue.params as { additionalProperty?: string; missingProperty?: string };
    const field = extra.additionalProperty ?? extra.missingProperty;
    const pointer = `${issue.instancePath}${field ? `/${field}` : ''}`;
    return { in: where, pointer: pointer || '/', message: issue.message ?? 'is not valid' };
  });
  const first = errors[0];
  return new AppError('validation_failed', first ? `${first.in}${first.pointer} ${first.message}` : error.message, {
    errors,
  });
}

/**
 * A body of a type the route does not read (its config's bodyType, else JSON): what was sent and
 * what to send instead. Fastify itself says only "Unsupported Media Type".
 */
export function unsupportedMediaType(request: FastifyRequest): AppError {
  const sent = request.headers['content-type'];
  const wanted = request.routeOptions.config.bodyType ?? 'application/json';
  const what = sent ? `Content-Type ${JSON.stringify(sent.slice(0, 100))} is not read here` : 'The body has no Content-Type';
  return new AppError('unsupported_media_type', `${what}: send the body as ${wanted}`, { accepted: [wanted] });
}

function asAppError(error: FastifyError | AppError | Error, request: FastifyRequest): AppError | null {
  if (error instanceof AppError) return error;
  const fastifyError = error as FastifyError;
  if (fastifyError.validation) return validationProblem(fastifyError);
  const mapped = fastifyError.code ? FASTIFY_CODES[fastifyError.code] : undefined;
  if (mapped === 'unsupported_media_type') return unsupportedMediaType(request);
  if (mapped) return new AppError(mapped, fastifyError.message);
  if (error instanceof SyntaxError && fastifyError.statusCode === 400) return new AppError('malformed_json', error.message);
  if (fastifyError.statusCode && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    return new AppError(fastifyError.statusCode === 413 ? 'payload_too_large' : 'validation_failed', fastifyError.message);
  }
  return null;
}

export function sendProblem(request: FastifyRequest, reply: FastifyReply, error: AppError): FastifyReply {
  const retryAfter = error.extensions.retryAfterSeconds;
  if (typeof retryAfter === 'number') reply.header('retry-after', String(retryAfter));
  return reply
    .status(error.status)
    .type('application/problem+json; charset=utf-8')
    .send(toProblem(error, request.id, request.url.split('?')[0]));
}

/** Every error leaves as application/problem+json; unknown errors are logged and their text hidden. */
export function registerProblemHandlers(app: AppInstance): void {
  // The API speaks JSON only. Fastify also parses text/plain by default, which turned a wrong
  // content type into a puzzling "body must be object" 400 instead of 415 unsupported_media_type.
  app.removeContentTypeParser('text/plain');
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const known = asAppError(error, request);
    if (known) {
      if (known.status >= 500) request.log.error({ err: error }, known.message);
      return sendProblem(request, reply, known);
    }
    request.log.error({ err: error }, 'unhandled error');
    return sendProblem(request, reply, new AppError('internal_error', `Quote request id ${request.id} when reporting this`));
  });
  app.setNotFoundHandler((request, reply) =>
    sendProblem(request, reply, new AppError('route_not_found', `${request.method} ${request.url.split('?')[0]} does not exist`)),
  );
}
