import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hashNodePassword, nodePasswordSecretName, verifyNodePassword } from './node-password.ts';
import { stallDuring } from '../util/event-loop-stall.ts';

test('a stored node password verifies only the same password, salted', async () => {
  const stored = await hashNodePassword('first-node-password');
  assert.ok(await verifyNodePassword(stored, 'first-node-password'));
  assert.ok(!(await verifyNodePassword(stored, 'other-node-password')));
  assert.notEqual(await hashNodePassword('first-node-password'), stored, 'a new salt each time');
  assert.ok(!(await verifyNodePassword('garbage', 'x')));
  assert.ok(!(await verifyNodePassword('scrypt$c2FsdA==$', 'x')));
  assert.equal(nodePasswordSecretName('agent-1'), 'agent-1.node-password.rfo');
});

test('scrypt runs off the event loop: timers keep firing while several verifications run', async () => {
  const stored = await hashNodePassword('first-node-password');
  const results: boolean[] = [];
  const stall = await stallDuring(async () => results.push(...(await Promise.all(Array.from({ length: 8 }, () => verifyNodePassword(stored, 'first-node-password'))))));
  assert.deepEqual(results, Array<boolean>(8).fill(true));
  assert.ok(stall < 0.5, `the event loop stalled for ${(stall * 100).toFixed(0)}% of the time`);
});
