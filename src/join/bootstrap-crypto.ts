// Sealing the bootstrap data a joining server needs (CA keys, service-account
// key, encryption config) with a key derived from the join token, as K3s
// does: only a holder of the token can open it, and the server stores or
// serves nothing that a stolen copy of the data alone would expose.
// Format: "rfo1:" + base64(salt[16] | nonce[12] | ciphertext | tag[16]).

import { createCipheriv, createDecipheriv, pbkdf2, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { RfoError } from '../errors.ts';

const prefix = 'rfo1:';
const iterations = 210_000; // OWASP's PBKDF2-SHA512 figure; ~0.2 s once per join
const pbkdf2Async = promisify(pbkdf2);
// Async: on libuv's thread pool, not on the event loop that serves the join API.
const deriveKey = (password: string, salt: Buffer) => pbkdf2Async(password, salt, iterations, 32, 'sha512');

export async function sealBootstrap(password: string, plaintext: Buffer): Promise<string> {
  const salt = randomBytes(16);
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', await deriveKey(password, salt), nonce);
  const sealed = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return prefix + Buffer.concat([salt, nonce, sealed, cipher.getAuthTag()]).toString('base64');
}

export async function openBootstrap(password: string, text: string): Promise<Buffer> {
  const fail = (detail: string) =>
    new RfoError('RFO_CONFIG_INVALID', `cannot open the bootstrap data: ${detail}`, {
      hint: 'the token does not match the one the cluster was created with; use the full token from server/token on an existing server',
    });
  if (!text.startsWith(prefix)) throw fail('unknown format');
  const raw = Buffer.from(text.slice(prefix.length), 'base64');
  if (raw.length < 16 + 12 + 16) throw fail('too short');
  const salt = raw.subarray(0, 16);
  const nonce = raw.subarray(16, 28);
  const tag = raw.subarray(raw.length - 16);
  const decipher = createDecipheriv('aes-256-gcm', await deriveKey(password, salt), nonce);
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([decipher.update(raw.subarray(28, raw.length - 16)), decipher.final()]);
  } catch {
    throw fail('wrong token or tampered data');
  }
}
