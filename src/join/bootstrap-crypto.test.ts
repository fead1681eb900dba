import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openBootstrap, sealBootstrap } from './bootstrap-crypto.ts';

const data = Buffer.from(JSON.stringify({ 'server-ca.key': '-----BEGIN EC PRIVATE KEY-----...' }));

test('sealed bootstrap data opens with the same token, and each seal differs', () => {
  const a = sealBootstrap('token-secret', data);
  const b = sealBootstrap('token-secret', data);
  assert.notEqual(a, b, 'random salt and nonce');
  assert.ok(!a.includes('PRIVATE KEY'));
  assert.deepEqual(openBootstrap('token-secret', a), data);
});

test('a wrong token or tampered data is refused with a hint', () => {
  const sealed = sealBootstrap('token-secret', data);
  assert.throws(() => openBootstrap('other-token', sealed), { code: 'RFO_CONFIG_INVALID', message: /wrong token or tampered/ });
  const raw = Buffer.from(sealed.slice(5), 'base64');
  raw[40] = (raw[40] ?? 0) ^ 1;
  assert.throws(() => openBootstrap('token-secret', `rfo1:${raw.toString('base64')}`), /wrong token or tampered/);
  assert.throws(() => openBootstrap('token-secret', 'garbage'), /unknown format/);
});
