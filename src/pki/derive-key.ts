// A CA key derived from another CA key (HKDF-SHA256 → a P-256 scalar), so
// every server computes the same kubelet CA from the server CA it already
// shares, with no coordination. That matters on upgrade: each server of an
// existing cluster creates the kubelet CA on its own when it first starts
// the new rfo, and they must agree, or an apiserver could not verify the
// kubelets whose certificates another server issued. Whoever holds the
// server CA key can derive this one; they could sign anything anyway.

import { createECDH, createPrivateKey, hkdfSync } from 'node:crypto';
import type { KeyObject } from 'node:crypto';

/** Order of the P-256 group. */
const n = BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551');
const b64url = (b: Buffer) => b.toString('base64url');

export function deriveP256Key(from: KeyObject, info: string): KeyObject {
  // The private scalar/exponent itself (JWK "d"), not an encoding of the key that could differ between servers.
  const secret = from.export({ format: 'jwk' }).d;
  if (!secret) throw new Error('deriveP256Key needs a private key');
  const ikm = Buffer.from(secret, 'base64url');
  // 48 bytes reduced mod n-1: a uniform scalar in [1, n-1] (FIPS 186 style).
  const okm = Buffer.from(hkdfSync('sha256', ikm, Buffer.from('rfo derived CA key'), Buffer.from(info), 48));
  const d = (BigInt(`0x${okm.toString('hex')}`) % (n - 1n)) + 1n;
  const dBytes = Buffer.from(d.toString(16).padStart(64, '0'), 'hex');
  const ecdh = createECDH('prime256v1');
  ecdh.setPrivateKey(dBytes);
  const pub = ecdh.getPublicKey(null, 'uncompressed');
  return createPrivateKey({ key: { kty: 'EC', crv: 'P-256', d: b64url(dBytes), x: b64url(pub.subarray(1, 33)), y: b64url(pub.subarray(33, 65)) }, format: 'jwk' });
}
