import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encryptionConfigHash } from './encryption-config.ts';
import { planInitialRecord, planPrepare, planReencryptStart, planRotate } from './plan-encryption-stage.ts';
import { planEncryptionStatus, renderEncryptionStatus } from './render-encryption-status.ts';

const r0 = planInitialRecord({ provider: 'aescbc', enabled: true, secret: Buffer.alloc(32, 1).toString('base64') });
const h = encryptionConfigHash(r0.config);

test('all servers with the record on disk and loaded: "All hashes match", RKE2 layout', () => {
  const s = planEncryptionStatus(r0, [
    { name: 's1', hash: h, loaded: h, generation: 1 },
    { name: 's2', hash: h, loaded: h, generation: 1 },
  ]);
  assert.deepEqual([s.hashmatch, s.enable, s.activekey, s.inactivekeys], [true, true, 'aescbckey', []]);
  const text = renderEncryptionStatus(s);
  assert.match(text, /^Encryption Status: Enabled\nCurrent Rotation Stage: start\nServer Encryption Hashes: All hashes match\n/);
  assert.match(text, / \*\s+AES-CBC\s+aescbckey/);
});

test('a server behind, one not reloaded yet and one down are each named', () => {
  const r1 = planPrepare(r0, { provider: 'aescbc', secret: Buffer.alloc(32, 2).toString('base64'), now: new Date() });
  const h1 = encryptionConfigHash(r1.config);
  const s = planEncryptionStatus(r1, [
    { name: 's1', hash: h1, loaded: h1 },
    { name: 's2', hash: h, loaded: h, generation: 1 },
    { name: 's3', hash: h1, loaded: h },
    { name: 's4', error: 'connect ECONNREFUSED' },
  ]);
  assert.equal(s.hashmatch, false);
  assert.match(s.hasherror, /server s2 \(it has generation 1, the cluster 2\)/);
  assert.match(s.hasherror, /s3's kube-apiserver has not loaded/);
  assert.match(s.hasherror, /s4 did not answer: connect ECONNREFUSED/);
  assert.doesNotMatch(s.hasherror, /s1/);
  assert.deepEqual(s.inactivekeys.length, 1);
});

test('an interrupted reencryption (no server running it) says what to do', () => {
  const active = planReencryptStart(planRotate(planPrepare(r0, { provider: 'aescbc', secret: Buffer.alloc(32, 2).toString('base64'), now: new Date() })), { by: 's1' });
  const ha = encryptionConfigHash(active.config);
  assert.match(planEncryptionStatus(active, [{ name: 's1', hash: ha, loaded: ha, reencrypting: false }]).hint ?? '', /started by s1 is not running.*rfo secrets-encrypt reencrypt/);
  assert.equal(planEncryptionStatus(active, [{ name: 's1', hash: ha, loaded: ha, reencrypting: true }]).hint, undefined);
});
