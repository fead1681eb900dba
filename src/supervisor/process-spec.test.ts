import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mergeArgs } from './process-spec.ts';

test('user args replace defaults of the same key and are reported', () => {
  const r = mergeArgs({ v: '0', 'bind-address': '127.0.0.1', 'feature-gates': 'A=true' }, ['v=4', '--feature-gates=B=true', 'extra']);
  assert.deepEqual(r.args, ['--bind-address=127.0.0.1', '--v=4', '--feature-gates=B=true', '--extra=true']);
  assert.deepEqual(r.overridden, ['v', 'feature-gates']);
});

test('list defaults repeat the flag; repeated user keys are all passed', () => {
  const r = mergeArgs({ 'tls-san': ['a', 'b'] }, ['x=1', 'x=2']);
  assert.deepEqual(r.args, ['--tls-san=a', '--tls-san=b', '--x=1', '--x=2']);
});
