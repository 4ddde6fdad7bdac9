import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import semver from 'semver';

const root = new URL('../', import.meta.url);
const manifest = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { engines: { node: string } };
const lock = JSON.parse(readFileSync(new URL('package-lock.json', root), 'utf8')) as {
  packages: Record<string, { version?: string; engines?: { node?: string } | string[] }>;
};

test('given the Node version our engines field promises, then every locked package declares it supports that version', () => {
  const oldest = semver.minVersion(manifest.engines.node)!.version;
  const refusing = Object.entries(lock.packages)
    .filter(([where, pkg]) => where !== '' && !Array.isArray(pkg.engines) && pkg.engines?.node !== undefined)
    .filter(([, pkg]) => !semver.satisfies(oldest, (pkg.engines as { node: string }).node, { includePrerelease: true }))
    .map(([where, pkg]) => `${where}@${pkg.version} wants node ${(pkg.engines as { node: string }).node}`);
  assert.deepEqual(refusing, [], `package.json promises node ${manifest.engines.node}, but npm would warn EBADENGINE for these`);
});
