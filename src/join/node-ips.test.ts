import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nodeIpsAnnotation, registeredNodeIps } from './node-ips.ts';

test('registered addresses come only from node-password secrets that carry the annotation, in canonical form', () => {
  const secret = (name: string, ips?: string) => ({ metadata: { name, ...(ips !== undefined ? { annotations: { [nodeIpsAnnotation]: ips } } : {}) } });
  const got = registeredNodeIps([
    secret('a1.node-password.rfo', '10.0.0.1, fd00::1'),
    secret('a2.node-password.rfo'), // an older rfo's secret: no record
    secret('other-secret', '10.0.0.9'), // not a node-password secret
    secret('s1.node-password.rfo', '10.0.0.3,not-an-ip'),
  ]);
  assert.deepEqual([...got.entries()], [
    ['a1', ['10.0.0.1', 'fd00:0:0:0:0:0:0:1']],
    ['s1', ['10.0.0.3']],
  ]);
});
