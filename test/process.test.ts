import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { startService } from './harness/process.ts';
import { PASSWORD } from './harness/factories.ts';

describe('the service as a process (npm start)', () => {
  test('given a fresh data directory and no PUBLIC_URL, when it starts, then it generates a key ring, tells how to create the first operator and warns that phones cannot open its codes', async () => {
    const service = await startService({ LOG_LEVEL: 'info' });
    try {
      assert.match(service.output(), /No operator exists yet/);
      assert.match(service.output(), /create-operator/);
      assert.match(service.output(), /point to this machine only, which phones cannot open: set PUBLIC_URL/);
      const ready = await fetch(`${service.url}/readyz`);
      assert.equal(ready.status, 200);
    } finally {
      await service.stop();
    }
  });

  test('given a request in flight, when SIGTERM arrives, then the request still completes and the process exits', async () => {
    const service = await startService({ PUBLIC_URL: 'https://join.example.com' });
    assert.doesNotMatch(service.output(), /PUBLIC_URL/, 'a public PUBLIC_URL needs no warning');
    await service.runCli(['create-operator', '--email', 'op@example.com', '--name', 'Op', '--workspace', 'W', '--password', PASSWORD]);
    // Signing in hashes a password (hundreds of ms), so the request is still running when the signal lands.
    const inFlight = fetch(`${service.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'op@example.com', password: PASSWORD }),
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const stopped = service.stop();
    const response = await inFlight;
    assert.equal(response.status, 200);
    assert.ok((await response.json()).csrfToken);
    await stopped;
    await assert.rejects(fetch(`${service.url}/healthz`));
  });

  test('given a bad configuration, when it starts, then it exits with a message naming the variable', async () => {
    await assert.rejects(startService({ LOG_LEVEL: 'loud' }), /Invalid configuration: LOG_LEVEL must be one of/);
  });
});
