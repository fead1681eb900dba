// Release signing: ECDSA P-256 over SHA-256, the signature DER-encoded and
// base64'd — the form `cosign verify-blob --key pub.pem --signature f.sig`
// and `openssl dgst -sha256 -verify pub.pem -signature <der>` both accept.
// The private key comes from the operator (RFO_SIGNING_KEY) for real
// releases, else a dev key made once under ~/.config/rfo; it never goes into
// dist/ or git, and is never logged (only its public key's fingerprint is).

import { createHash, createPrivateKey, createPublicKey, createSign, generateKeyPairSync, sign, verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { RfoError } from '../errors.ts';

export interface SigningKey {
  readonly privateKey: KeyObject;
  readonly publicKeyPem: string;
  /** sha256 of the DER public key: names the key in logs without revealing anything. */
  readonly fingerprint: string;
  /** 'release' for an operator key, 'dev' for the generated one. */
  readonly kind: 'release' | 'dev';
  readonly source: string;
}

export function devKeyPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'rfo', 'dev-signing-key.pem');
}

function fromPem(pem: string, kind: SigningKey['kind'], source: string): SigningKey {
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(pem);
  } catch (err) {
    throw new RfoError('RFO_CONFIG_INVALID', `${source} is not a PEM private key`, { hint: 'generate one: openssl ecparam -name prime256v1 -genkey -noout -out key.pem', cause: err });
  }
  if (privateKey.asymmetricKeyType !== 'ec' || privateKey.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new RfoError('RFO_CONFIG_INVALID', `${source} is not an ECDSA P-256 key`, { hint: 'rfo signs with ECDSA P-256 (openssl ecparam -name prime256v1 -genkey)' });
  }
  const pub = createPublicKey(privateKey);
  const der = pub.export({ type: 'spki', format: 'der' });
  return {
    privateKey,
    publicKeyPem: pub.export({ type: 'spki', format: 'pem' }).toString(),
    fingerprint: createHash('sha256').update(der).digest('hex').slice(0, 16),
    kind,
    source,
  };
}

/** The operator's key (RFO_SIGNING_KEY=/path/key.pem), else the dev key, created on first use. */
export async function loadSigningKey(env: NodeJS.ProcessEnv = process.env): Promise<SigningKey> {
  const given = env.RFO_SIGNING_KEY;
  if (given) {
    const pem = await readFile(given, 'utf8').catch((err: unknown) => {
      throw new RfoError('RFO_CONFIG_INVALID', `cannot read RFO_SIGNING_KEY ${given}`, { cause: err });
    });
    return fromPem(pem, 'release', given);
  }
  const path = devKeyPath(env);
  if (!existsSync(path)) {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    await writeFile(path, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
    await chmod(path, 0o600);
  }
  return fromPem(await readFile(path, 'utf8'), 'dev', path);
}

/** Base64 of the DER ECDSA signature over sha256(data). */
export function signBlob(key: SigningKey, data: Buffer | string): string {
  return sign('sha256', typeof data === 'string' ? Buffer.from(data) : data, key.privateKey).toString('base64');
}

export function verifyBlob(publicKeyPem: string, data: Buffer | string, signatureBase64: string): boolean {
  try {
    return verify('sha256', typeof data === 'string' ? Buffer.from(data) : data, createPublicKey(publicKeyPem), Buffer.from(signatureBase64.trim(), 'base64'));
  } catch {
    return false;
  }
}

/** Signs a file of any size without reading it into memory. */
export async function signFile(key: SigningKey, path: string): Promise<string> {
  const signer = createSign('sha256');
  for await (const chunk of createReadStream(path)) signer.update(chunk as Buffer);
  return signer.sign(key.privateKey).toString('base64');
}

