import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import { deriveP256Key } from './derive-key.ts';

test('the derived key is the same for the same CA key, however that key is encoded, and differs per CA key and purpose', () => {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const a = deriveP256Key(privateKey, 'kubelet-ca');
  const fromSec1 = deriveP256Key(createPrivateKey(privateKey.export({ type: 'sec1', format: 'pem' })), 'kubelet-ca');
  const spki = (k: Parameters<typeof createPublicKey>[0]) => createPublicKey(k).export({ type: 'spki', format: 'der' }).toString('hex');
  assert.equal(spki(a), spki(fromSec1));
  assert.notEqual(spki(a), spki(deriveP256Key(privateKey, 'other')));
  assert.notEqual(spki(a), spki(deriveP256Key(generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey, 'kubelet-ca')));
  assert.equal(a.asymmetricKeyDetails?.namedCurve, 'prime256v1');
  const sig = sign('sha256', Buffer.from('x'), a);
  assert.ok(verify('sha256', Buffer.from('x'), createPublicKey(a), sig), 'a working key pair');
});
