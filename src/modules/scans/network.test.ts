import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import ipaddr from 'ipaddr.js';
import { networkPrefix } from './network.ts';

test('given addresses, then each gives its /24 or /48 network', () => {
  const cases: [string, string][] = [
    ['203.0.113.9', '203.0.113.0/24'],
    ['10.0.0.255', '10.0.0.0/24'],
    ['0.0.0.0', '0.0.0.0/24'],
    ['::ffff:203.0.113.9', '203.0.113.0/24'],
    ['::ffff:cb00:7109', '203.0.113.0/24'],
    ['2001:db8:1234:5678::1', '2001:db8:1234::/48'],
    ['2001:0DB8:0000:ffff:1:2:3:4', '2001:db8::/48'],
    ['240e:3b7:3273:b6f0:c1e:9b2c:3f4:a1d', '240e:3b7:3273::/48'],
    ['fe80::1%eth0', 'fe80::/48'],
    ['::1', '::/48'],
  ];
  for (const [ip, prefix] of cases) assert.equal(networkPrefix(ip), prefix, ip);
});

test('given text that is not a plain address, then the network is unknown', () => {
  for (const text of ['', 'unknown', 'localhost', '10', '10.1', '010.0.0.1', '0x7f.0.0.1', '1.2.3.256', '1.2.3.4/24', ' 1.2.3.4', '1.2.3.4\n', '2001:db8::g', ':::1']) {
    assert.equal(networkPrefix(text), 'unknown', JSON.stringify(text));
  }
  fc.assert(fc.property(fc.string({ maxLength: 60 }), (text) => void networkPrefix(text)));
});

const octet = fc.integer({ min: 0, max: 255 });
const hextet = fc.integer({ min: 0, max: 0xffff });

test('given two IPv4 addresses in one /24, then they share a prefix that never shows either address', () => {
  fc.assert(
    fc.property(octet, octet, octet, octet, octet, (a, b, c, d1, d2) => {
      const first = `${a}.${b}.${c}.${d1}`;
      const prefix = networkPrefix(first);
      assert.equal(networkPrefix(`${a}.${b}.${c}.${d2}`), prefix);
      assert.equal(networkPrefix(`::ffff:${first}`), prefix);
      assert.equal(prefix, `${a}.${b}.${c}.0/24`);
      if (d1 !== 0) assert.ok(!prefix.includes(first), `${first} in ${prefix}`);
    }),
  );
});

test('given two IPv6 addresses in one /48, then they share a prefix that never shows either address', () => {
  fc.assert(
    fc.property(fc.array(hextet, { minLength: 3, maxLength: 3 }), fc.array(hextet, { minLength: 5, maxLength: 5 }), fc.array(hextet, { minLength: 5, maxLength: 5 }), (site, host1, host2) => {
      fc.pre(site[0]! !== 0); // outside ::ffff:0:0/96, which counts as IPv4
      const address = (host: number[]) => [...site, ...host].map((h) => h.toString(16)).join(':');
      const prefix = networkPrefix(address(host1));
      assert.match(prefix, /\/48$/);
      assert.equal(networkPrefix(address(host2)), prefix);
      if (host1.some((h) => h !== 0)) {
        for (const spelling of [address(host1), ipaddr.parse(address(host1)).toString()]) assert.ok(!prefix.includes(spelling), `${spelling} in ${prefix}`);
      }
    }),
  );
});
