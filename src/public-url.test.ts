import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isLocalOnlyUrl } from './public-url.ts';

test('given a public URL, then only addresses of this machine itself count as local-only', () => {
  for (const url of ['http://127.0.0.1:3000', 'http://localhost:3000/j/x', 'http://LOCALHOST', 'http://app.localhost', 'http://127.1.2.3', 'http://[::1]:3000']) {
    assert.equal(isLocalOnlyUrl(url), true, url);
  }
  for (const url of ['https://join.example.com', 'http://192.168.1.10:3000', 'http://10.0.0.2', 'http://[2001:db8::1]', 'http://127.example.com', 'not a url']) {
    assert.equal(isLocalOnlyUrl(url), false, url);
  }
});
