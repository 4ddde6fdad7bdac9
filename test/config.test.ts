import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { CONFIG_VARIABLES, ConfigError, loadConfig, type ConfigVariable, type Env } from '../src/config.ts';
import { ERRORS } from '../src/errors.ts';

const KEY = randomBytes(32).toString('base64');
const scratch = mkdtempSync(path.join(tmpdir(), 'joincode-config-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** A valid embedded configuration, with a key ring so nothing is generated unless a test wants it. */
function env(overrides: Env = {}): Env {
  return { DATA_DIR: scratch, SECRET_KEYS: `k1:${KEY}`, ...overrides };
}

function assertRefuses(overrides: Env, variable: ConfigVariable, detail?: RegExp) {
  assert.throws(
    () => loadConfig(env(overrides)),
    (error: unknown) => {
      assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
      assert.equal(error.variable, variable);
      assert.match(error.message, new RegExp(`\\b${variable}\\b`));
      if (detail) assert.match(error.message, detail);
      return true;
    },
  );
}

describe('configuration from the environment', () => {
  test('given nothing but a data directory and keys, when loaded, then the embedded defaults apply', () => {
    const config = loadConfig(env());
    assert.deepEqual(config.database, { dialect: 'sqlite', file: path.join(scratch, 'joincode.sqlite') });
    assert.equal(config.redisUrl, null);
    assert.equal(config.host, '127.0.0.1');
    assert.equal(config.port, 3000);
    assert.equal(config.publicUrl, 'http://127.0.0.1:3000');
    assert.equal(config.logLevel, 'info');
    assert.equal(config.trustProxy, false);
    assert.equal(config.runJobs, true);
    assert.equal(config.webhookAllowPrivateUrls, false);
    assert.equal(config.metricsToken, null);
  });

  test('given valid values for every variable, when loaded, then each is taken as given', () => {
    const config = loadConfig(
      env({
        DATABASE_URL: 'postgres://app@db.internal:5432/joincode',
        REDIS_URL: 'redis://cache:6379',
        HOST: '0.0.0.0',
        PORT: '8080',
        PUBLIC_URL: 'https://join.example.com/',
        LOG_LEVEL: 'warn',
        TRUST_PROXY: '10.0.0.0/8, 192.168.1.1',
        SMTP_URL: 'smtps://user:pass@mail.example.com:465',
        MAIL_FROM: 'Join <join@example.com>',
        WEBHOOK_ALLOW_PRIVATE_URLS: 'true',
        JOBS: 'false',
        METRICS_TOKEN: 'prometheus-scrape-4f1c',
      }),
    );
    assert.deepEqual(config.database, { dialect: 'postgres', url: 'postgres://app@db.internal:5432/joincode' });
    assert.equal(config.redisUrl, 'redis://cache:6379');
    assert.equal(config.port, 8080);
    assert.equal(config.publicUrl, 'https://join.example.com');
    assert.equal(config.logLevel, 'warn');
    assert.deepEqual(config.trustProxy, ['10.0.0.0/8', '192.168.1.1']);
    assert.equal(config.mailFrom, 'Join <join@example.com>');
    assert.equal(config.webhookAllowPrivateUrls, true);
    assert.equal(config.runJobs, false);
    assert.equal(config.metricsToken, 'prometheus-scrape-4f1c');
  });

  test('given TRUST_PROXY as true or a hop count, when loaded, then it is kept as such', () => {
    assert.equal(loadConfig(env({ TRUST_PROXY: 'true' })).trustProxy, true);
    assert.equal(loadConfig(env({ TRUST_PROXY: '2' })).trustProxy, 2);
    assert.deepEqual(loadConfig(env({ TRUST_PROXY: '::1,fd00::/8' })).trustProxy, ['::1', 'fd00::/8']);
  });

  const refusals: [string, Env, ConfigVariable][] = [
    ['PORT=abc', { PORT: 'abc' }, 'PORT'],
    ['PORT=70000', { PORT: '70000' }, 'PORT'],
    ['PORT=-1', { PORT: '-1' }, 'PORT'],
    ['DATABASE_URL=mysql://x', { DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    ['REDIS_URL=http://x', { REDIS_URL: 'http://x' }, 'REDIS_URL'],
    ['REDIS_URL=not a url', { REDIS_URL: 'not a url' }, 'REDIS_URL'],
    ['PUBLIC_URL=ftp://x', { PUBLIC_URL: 'ftp://x' }, 'PUBLIC_URL'],
    ['LOG_LEVEL=loud', { LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    ['TRUST_PROXY=not-an-ip', { TRUST_PROXY: 'not-an-ip' }, 'TRUST_PROXY'],
    ['TRUST_PROXY=abc (hex letters, still no address)', { TRUST_PROXY: 'abc' }, 'TRUST_PROXY'],
    ['TRUST_PROXY=999.1.1.1', { TRUST_PROXY: '999.1.1.1' }, 'TRUST_PROXY'],
    ['TRUST_PROXY=10.0.0.0/33', { TRUST_PROXY: '10.0.0.0/33' }, 'TRUST_PROXY'],
    ['SMTP_URL=http://mail', { SMTP_URL: 'http://mail' }, 'SMTP_URL'],
    ['MAIL_FROM without an address', { MAIL_FROM: 'joincode' }, 'MAIL_FROM'],
    ['WEBHOOK_ALLOW_PRIVATE_URLS=yes', { WEBHOOK_ALLOW_PRIVATE_URLS: 'yes' }, 'WEBHOOK_ALLOW_PRIVATE_URLS'],
    ['JOBS=maybe', { JOBS: 'maybe' }, 'JOBS'],
    ['INVITE_BULK_REVOKE_MAX=0', { INVITE_BULK_REVOKE_MAX: '0' }, 'INVITE_BULK_REVOKE_MAX'],
    ['INVITE_BULK_REVOKE_MAX=1e5', { INVITE_BULK_REVOKE_MAX: '1e5' }, 'INVITE_BULK_REVOKE_MAX'],
    ['METRICS_TOKEN too short', { METRICS_TOKEN: 'short' }, 'METRICS_TOKEN'],
    ['METRICS_TOKEN with a space', { METRICS_TOKEN: 'scrape token 0123456789' }, 'METRICS_TOKEN'],
    ['SECRET_KEYS without an id', { SECRET_KEYS: KEY }, 'SECRET_KEYS'],
    ['SECRET_KEYS with an empty entry', { SECRET_KEYS: `k1:${KEY},` }, 'SECRET_KEYS'],
    ['SECRET_KEYS with a bad id', { SECRET_KEYS: `bad id!:${KEY}` }, 'SECRET_KEYS'],
    ['SECRET_KEYS with a 16-byte key', { SECRET_KEYS: `k1:${randomBytes(16).toString('base64')}` }, 'SECRET_KEYS'],
    ['SECRET_KEYS repeating an id', { SECRET_KEYS: `k1:${KEY},k1:${randomBytes(32).toString('base64')}` }, 'SECRET_KEYS'],
    ['SECRET_KEYS missing with PostgreSQL', { SECRET_KEYS: undefined, DATABASE_URL: 'postgres://app@db/joincode' }, 'SECRET_KEYS'],
  ];
  for (const [name, overrides, variable] of refusals) {
    test(`given ${name}, when loaded, then a ConfigError names ${variable}`, () => assertRefuses(overrides, variable));
  }

  test('given a bad value, when refused, then the message says what the variable is for and does not echo a secret', () => {
    assertRefuses({ PORT: 'abc' }, 'PORT', /TCP port/);
    const secret = randomBytes(16).toString('base64');
    assert.throws(() => loadConfig(env({ SECRET_KEYS: `k1:${secret}` })), (error: Error) => !error.message.includes(secret));
  });

  test('given a key ring of two keys, when loaded, then both are kept newest first', () => {
    const older = randomBytes(32).toString('base64');
    const config = loadConfig(env({ SECRET_KEYS: `k2:${KEY}, k1:${older}` }));
    assert.deepEqual(config.secretKeys.map((k) => k.id), ['k2', 'k1']);
    assert.equal(config.secretKeys[0]!.key.toString('base64'), KEY);
    assert.equal(config.secretKeysGenerated, false);
  });

  test('given no SECRET_KEYS on the first embedded start, when loaded, then DATA_DIR/secret.keys is generated (0600) and reused after', () => {
    const dataDir = path.join(scratch, 'fresh', 'nested');
    const first = loadConfig({ DATA_DIR: dataDir });
    const file = path.join(dataDir, 'secret.keys');
    assert.equal(first.secretKeysGenerated, true);
    assert.equal(first.secretKeys.length, 1);
    assert.equal(first.secretKeys[0]!.key.length, 32);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const second = loadConfig({ DATA_DIR: dataDir });
    assert.equal(second.secretKeysGenerated, false);
    assert.deepEqual(second.secretKeys, first.secretKeys);
    assert.match(readFileSync(file, 'utf8'), /^k1:[A-Za-z0-9+/=]+\n$/);
  });

  test('given a damaged secret.keys file, when loaded, then the error names SECRET_KEYS rather than starting with other keys', () => {
    const dataDir = mkdtempSync(path.join(scratch, 'damaged-'));
    writeFileSync(path.join(dataDir, 'secret.keys'), 'k1:tooshort\n', { mode: 0o600 });
    assert.throws(() => loadConfig({ DATA_DIR: dataDir }), (error: unknown) => error instanceof ConfigError && error.variable === 'SECRET_KEYS');
  });

  test('given SECRET_KEYS set, when loaded on a fresh data directory, then no key file is written', () => {
    const dataDir = path.join(scratch, 'with-keys');
    loadConfig({ DATA_DIR: dataDir, SECRET_KEYS: `k1:${KEY}` });
    assert.throws(() => statSync(path.join(dataDir, 'secret.keys')), /ENOENT/);
  });
});

describe('the README documents the configuration and the errors', () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const tableRows = readme.split('\n').filter((line) => line.trimStart().startsWith('|'));
  const cells = (row: string) => row.split('|').map((cell) => cell.trim().replace(/^`|`$/g, ''));

  test('given CONFIG_VARIABLES, when the README is read, then every variable has a row in its configuration table', () => {
    const section = readme.split(/^## /m).find((part) => /^Configuration\b/i.test(part)) ?? '';
    const documented = new Set(section.split('\n').filter((line) => line.trimStart().startsWith('|')).map((row) => cells(row)[1]));
    const missing = Object.keys(CONFIG_VARIABLES).filter((name) => !documented.has(name));
    assert.deepEqual(missing, [], `README.md's configuration table lacks ${missing.join(', ')}`);
  });

  test('given ERRORS, when the README is read, then every code appears in a table row with its HTTP status', () => {
    const missing = Object.entries(ERRORS)
      .filter(([code, { status }]) => !tableRows.some((row) => cells(row).includes(code) && cells(row).includes(String(status))))
      .map(([code, { status }]) => `${code} (${status})`);
    assert.deepEqual(missing, [], `README.md does not list ${missing.join(', ')}`);
  });
});
