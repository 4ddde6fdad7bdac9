/**
 * Route walking for tests: the operations of GET /openapi.json, with their access rule, so a test
 * covers every route, including the ones modules add later, without listing them by hand.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { Deps } from '../../src/deps.ts';
import { newId } from '../../src/ids.ts';
import { PERMISSIONS, type Permission } from '../../src/modules/staff/permissions.ts';
import type { Response } from './client.ts';

export type JsonSchema = Record<string, any>;

export interface Parameter {
  in: 'path' | 'query' | 'header' | 'cookie';
  name: string;
  required?: boolean;
  schema?: JsonSchema;
}

export interface Operation {
  method: string;
  /** The OpenAPI path template, e.g. /api/v1/workspaces/{workspaceId}. */
  path: string;
  operationId?: string;
  summary?: string;
  tags?: string[];
  access: string;
  parameters: Parameter[];
  /** The application/json request body schema, $refs resolved, when the operation takes one. */
  bodySchema?: JsonSchema;
  responses: Record<string, any>;
  /** The operation object as the document has it. */
  raw: Record<string, any>;
}

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head'];
/** Methods whose requests carry a body. */
export const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

export async function fetchOpenApi(baseUrl: string): Promise<Record<string, any>> {
  const response = await fetch(`${baseUrl}/openapi.json`);
  assert.equal(response.status, 200, 'GET /openapi.json');
  return (await response.json()) as Record<string, any>;
}

/** Follows local $refs (#/components/...) and the bare ids @fastify/swagger emits for shared schemas. */
export function resolveRef(doc: Record<string, any>, schema: JsonSchema | undefined): JsonSchema | undefined {
  let current = schema;
  for (let depth = 0; current && typeof current.$ref === 'string' && depth < 10; depth += 1) {
    const ref: string = current.$ref;
    const target = ref.startsWith('#/')
      ? ref
          .slice(2)
          .split('/')
          .reduce<any>((node, part) => node?.[part.replaceAll('~1', '/').replaceAll('~0', '~')], doc)
      : doc.components?.schemas?.[ref];
    assert.ok(target, `unresolvable $ref ${ref}`);
    current = target as JsonSchema;
  }
  return current;
}

/** Every operation of the document, in document order. */
export function operationsOf(doc: Record<string, any>): Operation[] {
  const operations: Operation[] = [];
  for (const [path, item] of Object.entries<Record<string, any>>(doc.paths ?? {})) {
    for (const method of HTTP_METHODS) {
      const raw = item[method] as Record<string, any> | undefined;
      if (!raw) continue;
      const parameters = [...(item.parameters ?? []), ...(raw.parameters ?? [])].map((p) => resolveRef(doc, p) as Parameter);
      const body = resolveRef(doc, raw.requestBody);
      operations.push({
        method: method.toUpperCase(),
        path,
        operationId: raw.operationId,
        summary: raw.summary,
        tags: raw.tags,
        access: raw['x-joincode-access'],
        parameters,
        bodySchema: resolveRef(doc, body?.content?.['application/json']?.schema),
        responses: raw.responses ?? {},
        raw,
      });
    }
  }
  return operations;
}

export function isPermission(access: string): access is Permission {
  return Object.hasOwn(PERMISSIONS, access);
}

export function describeOperation(op: Operation): string {
  return `${op.method} ${op.path} (${op.access})`;
}

export function pathParams(op: Operation): string[] {
  return [...op.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
}

export function hasQueryParam(op: Operation, name: string): boolean {
  return op.parameters.some((p) => p.in === 'query' && p.name === name);
}

/** A value that passes a path parameter's format: an invitation token, a party key, or else a fresh ULID (also a valid order id). */
export function someParamValue(name: string): string {
  if (name === 'token') return randomBytes(32).toString('base64url');
  return name === 'party' ? `u:${newId()}` : newId();
}

/** The operation's URL with path parameters filled from values, the rest with fresh valid-looking ids. */
export function fillPath(op: Operation, values: Record<string, string> = {}): string {
  return op.path.replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(values[name] ?? someParamValue(name)));
}

export function withQuery(path: string, query: Record<string, string>): string {
  return `${path}?${new URLSearchParams(query).toString()}`;
}

/** The JSON types a schema admits ("integer" counts as "number"); empty when it says nothing about type. */
export function jsonTypesOf(schema: JsonSchema): Set<string> {
  const types = new Set<string>();
  const add = (t: string) => types.add(t === 'integer' ? 'number' : t);
  if (typeof schema.type === 'string') add(schema.type);
  if (Array.isArray(schema.type)) schema.type.forEach(add);
  if ('const' in schema) add(jsonTypeOf(schema.const));
  if (Array.isArray(schema.enum)) schema.enum.forEach((v: unknown) => add(jsonTypeOf(v)));
  for (const key of ['anyOf', 'oneOf']) {
    if (Array.isArray(schema[key])) for (const sub of schema[key]) jsonTypesOf(sub).forEach(add);
  }
  if (Array.isArray(schema.allOf)) for (const sub of schema.allOf) jsonTypesOf(sub).forEach(add);
  return types;
}

function jsonTypeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

const WRONG_TYPE_CANDIDATES: unknown[] = [12345, 'not the right type', true, { nested: 1 }, ['x']];

/** A value of a JSON type the schema does not admit, or undefined when it admits any type. */
export function wrongTypeValue(schema: JsonSchema): unknown {
  const allowed = jsonTypesOf(schema);
  if (allowed.size === 0) return undefined;
  return WRONG_TYPE_CANDIDATES.find((candidate) => !allowed.has(jsonTypeOf(candidate)));
}

/** Every property of an object schema, nested object properties included, as a JSON pointer and its schema. */
export function propertiesOf(doc: Record<string, any>, schema: JsonSchema | undefined, prefix = ''): { pointer: string; path: string[]; schema: JsonSchema }[] {
  const resolved = resolveRef(doc, schema);
  if (!resolved?.properties) return [];
  return Object.entries<JsonSchema>(resolved.properties).flatMap(([name, sub]) => {
    const property = resolveRef(doc, sub)!;
    const pointer = `${prefix}/${name}`;
    const here = { pointer, path: pointer.slice(1).split('/'), schema: property };
    return [here, ...propertiesOf(doc, property, pointer)];
  });
}

/** An object with value at the nested path (the enclosing objects created empty). */
export function bodyWith(path: string[], value: unknown): Record<string, unknown> {
  const [head, ...rest] = path;
  return { [head!]: rest.length === 0 ? value : bodyWith(rest, value) };
}

/**
 * A problem+json response: the status (and code when given), never a 5xx, the RFC 9457 members,
 * and the request id in both the body and the x-request-id header.
 */
export function assertProblem(response: Response, status: number | null, code: string | null, what: string): void {
  const where = `${what}: got ${response.status} ${response.text.slice(0, 300)}`;
  assert.ok(response.status < 500, `never a 5xx — ${where}`);
  if (status !== null) assert.equal(response.status, status, where);
  if (code !== null) assert.equal(response.body?.code, code, where);
  assert.ok(response.status >= 400, `an error status — ${where}`);
  assert.match(response.headers.get('content-type') ?? '', /^application\/problem\+json/, `content-type — ${where}`);
  const body = response.body as Record<string, unknown>;
  for (const member of ['type', 'title', 'status', 'code', 'requestId']) assert.ok(body[member] !== undefined, `problem member ${member} — ${where}`);
  assert.equal(body.status, response.status, `body status — ${where}`);
  assert.equal(response.headers.get('x-request-id'), body.requestId, `x-request-id header — ${where}`);
}

// Tables whose rows come and go without any request changing state: sign-ins, the job runner,
// idempotency reservations and the migrator's own bookkeeping.
const VOLATILE_TABLES = /^(kysely_.*|sessions|jobs|idempotency_keys)$/;

/**
 * What a walk of refused or failed requests must leave exactly as it was: the row count of every
 * table (found by introspection, so new tables are covered), and the rows of the tables that hold
 * who may do what (workspaces, memberships, API keys).
 */
export async function snapshotState(deps: Deps): Promise<Record<string, unknown>> {
  const db = deps.db.kysely;
  const tables = (await db.introspection.getTables()).map((t) => t.name).filter((name) => !VOLATILE_TABLES.test(name)).sort();
  const counts: Record<string, number> = {};
  for (const table of tables) {
    const { rows } = await sql<{ n: number | string }>`select count(*) as n from ${sql.table(table)}`.execute(db);
    counts[table] = Number(rows[0]!.n);
  }
  return {
    counts,
    workspaces: await db.selectFrom('workspaces').selectAll().orderBy('id').execute(),
    memberships: await db.selectFrom('memberships').select(['workspace_id', 'staff_id', 'role']).orderBy('workspace_id').orderBy('staff_id').execute(),
    apiKeys: await db.selectFrom('api_keys').select(['id', 'scopes', 'revoked_at']).orderBy('id').execute(),
  };
}
