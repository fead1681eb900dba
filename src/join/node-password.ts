// The node-password scheme (K3s/RKE2): the first time a node name joins, the
// server stores a hash of that node's random password in the kube-system
// secret <node>.node-password.rfo; later joins under that name must present
// the same password, so one node cannot take over another node's name.

import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';

export const nodePasswordSecretName = (nodeName: string) => `${nodeName}.node-password.rfo`;

/** The node a node-password secret belongs to; undefined for other secrets. */
export function nodeOfPasswordSecret(secretName: string): string | undefined {
  const suffix = nodePasswordSecretName('');
  return secretName.endsWith(suffix) && secretName.length > suffix.length ? secretName.slice(0, -suffix.length) : undefined;
}

export function hashNodePassword(password: string, salt: Buffer = randomBytes(16)): string {
  return `scrypt$${salt.toString('base64')}$${scryptSync(password, salt, 32).toString('base64')}`;
}

export function verifyNodePassword(stored: string, password: string): boolean {
  const [scheme, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const actual = scryptSync(password, Buffer.from(salt, 'base64'), expected.length);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
