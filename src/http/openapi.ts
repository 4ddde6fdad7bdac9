import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifySchema } from 'fastify';
import { Problem } from './schemas.ts';
import type { Access, AppInstance } from './types.ts';

const problemResponse = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
});

/** The error responses a route can give, derived from its access rule and inputs. */
function errorResponses(access: Access | undefined, schema: FastifySchema): Record<string, unknown> {
  const responses: Record<string, unknown> = {};
  if (schema.body || schema.querystring || schema.params) responses['400'] = problemResponse('The request is not valid');
  if (access && access !== 'public') responses['401'] = problemResponse('Not signed in, or the API key is not valid');
  if (access && access !== 'public' && access !== 'signed_in') {
    responses['403'] = problemResponse('Your role or API key scope does not allow this');
    responses['404'] = problemResponse('The workspace or resource does not exist (or is not yours)');
  }
  responses['429'] = problemResponse('Rate limited; see Retry-After');
  return responses;
}

function operationId(method: string, url: string): string {
  const words = url
    .replace(/^\/api\/v1\//, '')
    .split('/')
    .map((part) => (part.startsWith(':') ? `by-${part.slice(1)}` : part))
    .join('-');
  return `${method.toLowerCase()}-${words}`.replace(/[^A-Za-z0-9]+(.)/g, (_, c: string) => c.toUpperCase());
}

/** OpenAPI 3.1 generated from the same schemas that validate requests, at /openapi.json and /docs. */
export async function registerOpenApi(app: AppInstance, publicUrl: string): Promise<void> {
  app.addSchema(Problem);
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'joincode API',
        version: '1.0.0',
        description:
          'Turn QR codes and invite codes into community members. Errors are application/problem+json (RFC 9457) with a stable `code`. Lists use cursor pagination (`nextCursor`). Creating POSTs honour `Idempotency-Key`.',
        license: { name: 'MIT', identifier: 'MIT' },
      },
      servers: [{ url: publicUrl }],
      components: {
        securitySchemes: {
          apiKey: { type: 'http', scheme: 'bearer', description: 'An API key: `Authorization: Bearer jc_…`' },
          session: { type: 'apiKey', in: 'cookie', name: 'jc_session', description: 'Console session; send x-csrf-token on unsafe methods' },
        },
      },
      security: [{ apiKey: [] }, { session: [] }],
    },
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
    transform: ({ schema, url, route }) => {
      const access = route.config?.access;
      const method = Array.isArray(route.method) ? route.method[0]! : route.method;
      const hide = !url.startsWith('/api/') && !['/healthz', '/readyz', '/metrics'].includes(url);
      const base = (schema ?? {}) as FastifySchema & Record<string, unknown>;
      const response = { ...(base.response as Record<string, unknown> | undefined), ...errorResponses(access, base) };
      // x-joincode-access documents who may call the operation (and lets tests walk every route).
      const transformed: Record<string, unknown> = { ...base, response, operationId: operationId(method, url), hide, 'x-joincode-access': access ?? 'public' };
      if (access === 'public' && !base.security) transformed.security = [];
      if (access === 'signed_in') transformed.security = [{ session: [] }];
      return { schema: transformed as FastifySchema, url };
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true, uiConfig: { deepLinking: true } });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}
