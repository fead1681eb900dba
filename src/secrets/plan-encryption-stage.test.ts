import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseEncryptionConfig } from './encryption-config.ts';
import { parseRecord, planInitialRecord, planPrepare, planReencryptFinish, planReencryptStart, planRotate, planToggle, renderRecord } from './plan-encryption-stage.ts';

const secret = (n: number) => Buffer.alloc(32, n).toString('base64');
const names = (config: string) => parseEncryptionConfig(config).keys.map((k) => k.name);
const now = new Date('2026-12-05T12:00:00Z');

test('prepare → rotate → reencrypt: the new key reads, then writes, then the old one goes; every step a new generation', () => {
  const r0 = planInitialRecord({ provider: 'aescbc', enabled: true, secret: secret(1) });
  assert.deepEqual([r0.stage, r0.generation, names(r0.config)], ['start', 1, ['aescbckey']]);
  const r1 = planPrepare(r0, { provider: 'aescbc', secret: secret(2), now });
  assert.deepEqual([r1.stage, r1.generation, names(r1.config)], ['prepare', 2, ['aescbckey', 'aescbckey-2026-12-05T12:00:00Z']]);
  const r2 = planRotate(r1);
  assert.deepEqual([r2.stage, names(r2.config)], ['rotate', ['aescbckey-2026-12-05T12:00:00Z', 'aescbckey']]);
  const r3 = planReencryptStart(r2, { by: 's1' });
  assert.deepEqual([r3.stage, r3.reencryptBy, r3.config], ['reencrypt_active', 's1', r2.config]);
  const r4 = planReencryptFinish(r3, {});
  assert.deepEqual([r4.stage, r4.generation, names(r4.config), r4.reencryptBy], ['reencrypt_finished', 5, ['aescbckey-2026-12-05T12:00:00Z'], undefined]);
  assert.deepEqual(names(planReencryptFinish(r3, { skip: true }).config), names(r2.config), '--skip keeps the old key');
  assert.deepEqual(parseRecord(renderRecord(r4)), r4);
});

test('stages are enforced (with a hint), --force skips the check; an interrupted reencrypt resumes without --force', () => {
  const r0 = planInitialRecord({ provider: 'aescbc', enabled: true, secret: secret(1) });
  assert.throws(() => planRotate(r0), (e: Error & { code?: string }) => e.code === 'RFO_ENCRYPTION_STAGE' && /rotate needs the rotation stage to be prepare; it is start/.test(e.message));
  assert.throws(() => planReencryptStart(r0, { by: 's1' }), /reencrypt needs the rotation stage to be rotate or reencrypt_active/);
  const prepared = planPrepare(r0, { provider: 'aescbc', secret: secret(2), now });
  assert.throws(() => planPrepare(prepared, { provider: 'aescbc', secret: secret(3), now: new Date() }), /prepare needs/);
  assert.equal(planPrepare(prepared, { provider: 'aescbc', secret: secret(3), now: new Date('2026-12-06T00:00:00Z'), force: true }).stage, 'prepare');
  const active = planReencryptStart(planRotate(prepared), { by: 's1' });
  assert.equal(planReencryptStart(active, { by: 's2' }).reencryptBy, 's2');
  assert.throws(() => planToggle(active, { enabled: false }), /reencrypt_active/);
  assert.throws(() => planRotate(planInitialRecord({ provider: 'aescbc', enabled: true, secret: secret(1) }), { force: true }), /only one/);
});

test('switching provider: a secretbox key after aescbc ones becomes the writer at rotate', () => {
  const r0 = planInitialRecord({ provider: 'aescbc', enabled: true, secret: secret(1) });
  const r2 = planRotate(planPrepare(r0, { provider: 'secretbox', secret: secret(2), now }));
  const m = parseEncryptionConfig(r2.config);
  assert.deepEqual(m.keys.map((k) => k.type), ['secretbox', 'aescbc']);
});

test('enable/disable move identity and keep the keys', () => {
  const off = planInitialRecord({ provider: 'aescbc', enabled: false, secret: secret(1) });
  assert.equal(parseEncryptionConfig(off.config).enabled, false);
  const on = planToggle(off, { enabled: true });
  assert.deepEqual([parseEncryptionConfig(on.config).enabled, names(on.config), on.stage, on.generation], [true, ['aescbckey'], 'start', 2]);
});
