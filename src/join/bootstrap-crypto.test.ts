import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openBootstrap, sealBootstrap } from './bootstrap-crypto.ts';
import { stallDuring } from '../util/event-loop-stall.ts';

const data = Buffer.from(JSON.stringify({ 'server-ca.key': '-----BEGIN EC PRIVATE KEY-----...' }));

test('sealed bootstrap data opens with the same token, and each seal differs', async () => {
  const a = await sealBootstrap('token-secret', data);
  const b = await sealBootstrap('token-secret', data);
  assert.notEqual(a, b, 'random salt and nonce');
  assert.ok(!a.includes('PRIVATE KEY'));
  assert.deepEqual(await openBootstrap('token-secret', a), data);
});

test('a wrong token or tampered data is refused with a hint', async () => {
  const sealed = await sealBootstrap('token-secret', data);
  await assert.rejects(openBootstrap('other-token', sealed), { code: 'RFO_CONFIG_INVALID', message: /wrong token or tampered/ });
  const raw = Buffer.from(sealed.slice(5), 'base64');
  raw[40] = (raw[40] ?? 0) ^ 1;
  await assert.rejects(openBootstrap('token-secret', `rfo1:${raw.toString('base64')}`), /wrong token or tampered/);
  await assert.rejects(openBootstrap('token-secret', 'garbage'), /unknown format/);
});

test('PBKDF2 (~0.2 s) runs off the event loop: timers keep firing meanwhile', async () => {
  const stall = await stallDuring(() => sealBootstrap('token-secret', data));
  assert.ok(stall < 0.5, `the event loop stalled for ${(stall * 100).toFixed(0)}% of the time`);
});
