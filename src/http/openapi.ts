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

/** The console's icon (console/public/favicon.svg): the favicon of the API reference, and in its top bar beside the name. */
const ICON_SHAPES =
  '<rect width="32" height="32" rx="6" fill="#1677ff"/><path fill="#fff" d="M7 7h8v8H7zm2 2v4h4V9zm8-2h8v8h-8zm2 2v4h4V9zM7 17h8v8H7zm2 2v4h4v-4zm8-2h3v3h-3zm5 0h3v3h-3zm-5 5h3v3h-3zm5 0h3v3h-3z"/>';
const ICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">${ICON_SHAPES}</svg>`;
const DOCS_LOGO = `<svg xmlns="http://www.w3.org/2000/svg" width="190" height="32" viewBox="0 0 190 32">${ICON_SHAPES}<text x="42" y="23" fill="#fff" font-family="system-ui, sans-serif" font-size="20" font-weight="600">joincode API</text></svg>`;

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
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    // The app's own security headers cover the reference too. Swagger UI's static CSP would replace
    // them with one that upgrades every asset to https, which left the page blank over plain HTTP
    // (a LAN install) and blocked its own inline style; no validator badge is fetched from outside.
    staticCSP: false,
    uiConfig: { deepLinking: true, validatorUrl: null },
    logo: { type: 'image/svg+xml', content: Buffer.from(DOCS_LOGO), href: '/docs', target: '_self' },
    theme: { title: 'joincode API', favicon: [{ filename: 'favicon.svg', rel: 'icon', sizes: 'any', type: 'image/svg+xml', content: Buffer.from(ICON) }] },
  });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}
