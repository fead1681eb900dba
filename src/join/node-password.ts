// The node-password scheme (K3s/RKE2): the first time a node name joins, the
// server stores a hash of that node's random password in the kube-system
// secret <node>.node-password.rfo; later joins under that name must present
// the same password, so one node cannot take over another node's name.

import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

// Async: scrypt takes ~50 ms of CPU, which must run on libuv's thread pool,
// not on the event loop that serves the join API and supervises the node.
const scryptAsync = promisify(scrypt) as (password: string, salt: Buffer, keylen: number) => Promise<Buffer>;

export const nodePasswordSecretName = (nodeName: string) => `${nodeName}.node-password.rfo`;

/** The node a node-password secret belongs to; undefined for other secrets. */
export function nodeOfPasswordSecret(secretName: string): string | undefined {
  const suffix = nodePasswordSecretName('');
  return secretName.endsWith(suffix) && secretName.length > suffix.length ? secretName.slice(0, -suffix.length) : undefined;
}

export async function hashNodePassword(password: string, salt: Buffer = randomBytes(16)): Promise<string> {
  return `scrypt$${salt.toString('base64')}$${(await scryptAsync(password, salt, 32)).toString('base64')}`;
}

export async function verifyNodePassword(stored: string, password: string): Promise<boolean> {
  const [scheme, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  if (expected.length === 0) return false;
  const actual = await scryptAsync(password, Buffer.from(salt, 'base64'), expected.length);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
