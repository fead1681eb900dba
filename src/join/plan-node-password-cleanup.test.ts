import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseNodePasswordSecrets, planNodePasswordCleanup } from './plan-node-password-cleanup.ts';

const now = Date.parse('2026-11-23T12:00:00Z');
const at = (iso: string) => Date.parse(iso);

test('a deleted node loses its password secret; live nodes and fresh joins keep theirs', () => {
  const secrets = [
    { name: 'a1.node-password.rfo', created: at('2026-11-23T09:00:00Z') }, // live node
    { name: 'a2.node-password.rfo', created: at('2026-11-23T09:00:00Z') }, // node deleted
    { name: 'a3.node-password.rfo', created: at('2026-11-23T11:59:00Z') }, // joining, Node not registered yet
    { name: 'a4.node-password.rfo', created: at('2026-11-23T10:00:00Z') }, // join abandoned 2 h ago
    { name: 'some-other-secret', created: at('2026-01-01T00:00:00Z') },
  ];
  const deleted = planNodePasswordCleanup(secrets, new Set(['a1', 's1']), new Set(['a1', 'a2', 's1']), now);
  assert.deepEqual(deleted, ['a2.node-password.rfo', 'a4.node-password.rfo']);
});

test('names with dots are matched whole', () => {
  const secrets = [{ name: 'node.example.com.node-password.rfo', created: now }];
  assert.deepEqual(planNodePasswordCleanup(secrets, new Set(['node.example.com']), new Set(['node.example.com']), now), []);
  assert.deepEqual(planNodePasswordCleanup(secrets, new Set(), new Set(['node.example.com']), now), ['node.example.com.node-password.rfo']);
});

test('listed secrets parse; ones without a name or a valid creation time are dropped', () => {
  const listed = [
    { metadata: { name: 'a1.node-password.rfo', creationTimestamp: '2026-11-23T09:00:00Z' } },
    { metadata: { name: '', creationTimestamp: '2026-11-23T09:00:00Z' } },
    { metadata: { name: 'broken' } },
    { metadata: { name: 'x', creationTimestamp: 'not-a-date' } },
  ];
  assert.deepEqual(parseNodePasswordSecrets(listed), [{ name: 'a1.node-password.rfo', created: at('2026-11-23T09:00:00Z') }]);
});
