import { test } from 'node:test';
import assert from 'node:assert/strict';
import { admitConnection, sourceKey } from './plan-connection-limits.ts';

test('a source is an IPv4 address, or an IPv6 /64 (IPv4-mapped addresses count as IPv4)', () => {
  assert.equal(sourceKey('10.0.0.7'), '10.0.0.7');
  assert.equal(sourceKey('::ffff:10.0.0.7'), '10.0.0.7');
  assert.equal(sourceKey('2001:db8:0:1::5'), '2001:db8:0:1::/64');
  assert.equal(sourceKey('2001:0db8:0000:0001:ffff:1:2:3'), '2001:db8:0:1::/64', 'one host picking addresses in its /64 is one source');
  assert.notEqual(sourceKey('2001:db8:0:2::5'), sourceKey('2001:db8:0:1::5'));
  assert.equal(sourceKey('fe80::1%eth0'), 'fe80:0:0:0::/64');
  assert.equal(sourceKey('::1'), '0:0:0:0::/64');
  assert.equal(sourceKey(undefined), '');
});

test('the per-source cap refuses one source while another still gets in; the total cap refuses everyone', () => {
  const limits = { perSource: 2, total: 3 };
  const open = new Map([['10.0.0.1', 2]]);
  assert.equal(admitConnection(open, 2, '10.0.0.1', limits), 'source-full');
  assert.equal(admitConnection(open, 2, '10.0.0.2', limits), 'ok');
  assert.equal(admitConnection(new Map([['10.0.0.1', 2], ['10.0.0.2', 1]]), 3, '10.0.0.3', limits), 'total-full');
  assert.equal(admitConnection(new Map(), 0, '10.0.0.1', limits), 'ok');
});
