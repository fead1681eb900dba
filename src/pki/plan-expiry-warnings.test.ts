import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planExpiryWarnings } from './plan-expiry-warnings.ts';

const now = new Date('2027-01-01T00:00:00Z');
const inDays = (d: number) => new Date(now.getTime() + d * 24 * 60 * 60 * 1000);

test('a warning for each certificate with fewer than 30 days left, expired ones included', () => {
  const w = planExpiryWarnings(
    [
      { name: 'server-ca.crt', notAfter: inDays(12.5) },
      { name: 'client-admin.crt', notAfter: inDays(30.5) },
      { name: 'client-kube-proxy.crt', notAfter: inDays(-2) },
    ],
    'n1',
    now,
  );
  assert.deepEqual(w.map((x) => x.name), ['server-ca.crt', 'client-kube-proxy.crt']);
  assert.match(w[0]?.message ?? '', /^certificate server-ca\.crt of node n1 expires in 12 days \(2027-01-13T12:00:00\.000Z\)$/);
  assert.match(w[1]?.message ?? '', /expired on 2026-12-30/);
});
