import { test } from 'node:test';
import assert from 'node:assert/strict';
import { orderBackends, splitAddress } from './backend-order.ts';

const b = (address: string, healthy = true) => ({ address, healthy });

test('the preferred healthy backend comes first, then healthy ones in order, failed ones last', () => {
  assert.deepEqual(orderBackends([b('a:6443'), b('b:6443'), b('c:6443')], 'b:6443'), ['b:6443', 'a:6443', 'c:6443']);
  assert.deepEqual(orderBackends([b('a:6443', false), b('b:6443'), b('c:6443')], 'a:6443'), ['b:6443', 'c:6443', 'a:6443']);
  assert.deepEqual(orderBackends([b('a:6443', false), b('b:6443', false)], undefined), ['a:6443', 'b:6443']);
  assert.deepEqual(orderBackends([], 'x:1'), []);
});

test('addresses split into host and port', () => {
  assert.deepEqual(splitAddress('10.0.0.1:6443'), { host: '10.0.0.1', port: 6443 });
  assert.deepEqual(splitAddress('[fd00::1]:6443'), { host: 'fd00::1', port: 6443 });
  assert.throws(() => splitAddress('nohost'));
});
