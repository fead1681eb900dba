import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hashNodePassword, nodePasswordSecretName, verifyNodePassword } from './node-password.ts';

test('a stored node password verifies only the same password, salted', () => {
  const stored = hashNodePassword('first-node-password');
  assert.ok(verifyNodePassword(stored, 'first-node-password'));
  assert.ok(!verifyNodePassword(stored, 'other-node-password'));
  assert.notEqual(hashNodePassword('first-node-password'), stored, 'a new salt each time');
  assert.ok(!verifyNodePassword('garbage', 'x'));
  assert.equal(nodePasswordSecretName('agent-1'), 'agent-1.node-password.rfo');
});
