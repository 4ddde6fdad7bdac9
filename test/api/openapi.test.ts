import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { describeOperation, fetchOpenApi, isPermission, operationsOf, resolveRef, type Operation } from '../harness/routes.ts';
import { startTestServer, type TestServer } from '../harness/server.ts';

const REDOCLY = path.resolve('node_modules/.bin/redocly');

interface LintProblem {
  ruleId: string;
  severity: 'error' | 'warn';
  message: string;
  location?: { pointer?: string }[];
}

/** The document is generated from route schemas; this checks what it says, not the database, so SQLite is enough. */
describe('the OpenAPI document and the docs page', () => {
  let server: TestServer;
  let doc: Record<string, any>;
  let operations: Operation[];
  let scratch: string;

  before(async () => {
    server = await startTestServer('sqlite');
    doc = await fetchOpenApi(server.url);
    operations = operationsOf(doc);
    scratch = mkdtempSync(path.join(tmpdir(), 'joincode-openapi-'));
  });
  after(async () => {
    rmSync(scratch, { recursive: true, force: true });
    await server.stop();
  });

  test('given GET /openapi.json, then it is an OpenAPI 3.1.0 document listing the API', () => {
    assert.equal(doc.openapi, '3.1.0');
    assert.ok(doc.info?.title && doc.info?.version);
    assert.ok(operations.length > 0);
    assert.ok(operations.some((op) => op.path.startsWith('/api/v1/')));
  });

  test('given the document, when Redocly CLI lints it, then it reports no errors (warnings are printed)', async (t) => {
    const file = path.join(scratch, 'openapi.json');
    writeFileSync(file, JSON.stringify(doc, null, 2));
    let stdout: string;
    try {
      ({ stdout } = await promisify(execFile)(REDOCLY, ['lint', file, '--format=json'], {
        timeout: 120_000,
        maxBuffer: 32 * 1024 * 1024,
        env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
      }));
    } catch (error) {
      // Redocly exits non-zero when it finds errors; its report is still on stdout.
      stdout = (error as { stdout?: string }).stdout ?? '';
      if (!stdout.trim()) throw error;
    }
    const report = JSON.parse(stdout.slice(stdout.indexOf('{'))) as { totals: { errors: number; warnings: number }; problems: LintProblem[] };
    const describe = (p: LintProblem) => `${p.severity} ${p.ruleId} at ${p.location?.[0]?.pointer ?? '?'}: ${p.message}`;
    for (const warning of report.problems.filter((p) => p.severity !== 'error')) t.diagnostic(describe(warning));
    assert.deepEqual(report.problems.filter((p) => p.severity === 'error').map(describe), []);
    assert.equal(report.totals.errors, 0);
  });

  test('given every operation, then it has a unique operationId, a summary, tags, x-joincode-access and a problem+json 4xx response', () => {
    const missing: string[] = [];
    const ids = new Set<string>();
    for (const op of operations) {
      const what = describeOperation(op);
      if (!op.operationId) missing.push(`${what}: operationId`);
      else if (ids.has(op.operationId)) missing.push(`${what}: duplicate operationId ${op.operationId}`);
      else ids.add(op.operationId);
      if (!op.summary?.trim()) missing.push(`${what}: summary`);
      if (!Array.isArray(op.tags) || op.tags.length === 0) missing.push(`${what}: tags`);
      if (!(op.access === 'public' || op.access === 'signed_in' || isPermission(op.access))) missing.push(`${what}: x-joincode-access`);
      const problems = Object.entries(op.responses).filter(([status, response]) => {
        const content = resolveRef(doc, response)?.content?.['application/problem+json'];
        return /^4\d\d$/.test(status) && resolveRef(doc, content?.schema)?.properties?.code;
      });
      if (problems.length === 0) missing.push(`${what}: a 4xx application/problem+json response`);
    }
    assert.deepEqual(missing, []);
  });

  test('given the access of each operation, then its security and documented refusals match it', () => {
    const wrong: string[] = [];
    for (const op of operations) {
      const what = describeOperation(op);
      const statuses = Object.keys(op.responses);
      if (op.access === 'public' && JSON.stringify(op.raw.security) !== '[]') wrong.push(`${what}: a public operation should say security: []`);
      if (op.access === 'signed_in' && JSON.stringify(op.raw.security) !== JSON.stringify([{ session: [] }])) wrong.push(`${what}: signed_in should allow the session only`);
      if (op.access !== 'public' && !statuses.includes('401')) wrong.push(`${what}: 401 not documented`);
      if (isPermission(op.access) && !(statuses.includes('403') && statuses.includes('404'))) wrong.push(`${what}: 403/404 not documented`);
    }
    assert.deepEqual(wrong, []);
  });

  test('given GET /docs over plain HTTP, then it serves the Swagger UI as HTML under the app\'s CSP: no inline script, no upgrade to https', async () => {
    const response = await fetch(`${server.url}/docs`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/html/);
    const html = await response.text();
    assert.match(html, /swagger-ui/i);
    const csp = response.headers.get('content-security-policy') ?? '';
    assert.match(csp, /script-src 'self'/);
    assert.doesNotMatch(csp, /script-src[^;]*'unsafe-inline'/);
    assert.doesNotMatch(csp, /upgrade-insecure-requests/, 'over plain HTTP, upgrading would send every asset to https and leave the page blank');
    assert.doesNotMatch(csp, /validator\.swagger\.io/, 'nothing is fetched from outside');
    // With script-src 'self', an inline <script> would be blocked and the page would stay blank.
    const scripts = [...html.matchAll(/<script\b([^>]*)>/gi)].map((m) => m[1]!);
    assert.ok(scripts.length > 0);
    for (const attributes of scripts) assert.match(attributes, /\bsrc=/, `inline <script${attributes}> would be blocked by the CSP`);
  });
});
