import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalIp, isDns1123Subdomain, isReservedName } from './parse-node-headers.ts';

test('canonicalIp accepts IPv4 and IPv6 literals only, in one form', () => {
  assert.equal(canonicalIp('10.0.0.7'), '10.0.0.7');
  assert.equal(canonicalIp('fd00::7'), 'fd00:0:0:0:0:0:0:7');
  assert.equal(canonicalIp('FD00:0:0:0:0:0:0:07'), 'fd00:0:0:0:0:0:0:7');
  assert.equal(canonicalIp('::'), '0:0:0:0:0:0:0:0');
  for (const bad of ['', '10.0.0', '10.0.0.07', '1.2.3.4.5', '::1::', '1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7:8::', '12345::', 'g::1', ' 10.0.0.1', '10.0.0.1/24']) assert.equal(canonicalIp(bad), undefined, bad);
});

test('DNS-1123 subdomains and reserved names', () => {
  assert.ok(isDns1123Subdomain('agent-1.example'));
  for (const bad of ['Agent', 'a_b', 'a..b', '.a', `${'a'.repeat(64)}.b`, 'a'.repeat(254)]) assert.ok(!isDns1123Subdomain(bad), bad);
  assert.ok(isReservedName('kubernetes.default.svc.example.org', 'example.org'));
  assert.ok(!isReservedName('kubernetes-worker', 'cluster.local'));
});
