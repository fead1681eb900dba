// Pure: the EncryptionConfiguration kube-apiserver reads for Secrets, as a
// small model rfo can reason about, and its file format.
//
// The model is an ordered list of keys plus where `identity` stands: first
// (encryption disabled: Secrets are written in plaintext, encrypted ones are
// still read) or last (enabled: the first key writes, every key and identity
// read). Consecutive keys of one provider type form one provider entry, so a
// switch from aescbc to secretbox is just another key in the list. Only
// `secrets` are encrypted, and only aescbc and secretbox are offered, as RKE2
// (aesgcm needs rotation every 2^32 writes; KMS needs a plugin rfo does not ship).

import { createHash } from 'node:crypto';
import { RfoError } from '../errors.ts';

export const providerTypes = ['aescbc', 'secretbox'] as const;
export type ProviderType = (typeof providerTypes)[number];

export interface EncryptionKey {
  readonly type: ProviderType;
  readonly name: string;
  /** 32 random bytes, base64 (both providers take a 32-byte key). */
  readonly secret: string;
}

export interface EncryptionModel {
  /** Write with keys[0] (enabled) or in plaintext (disabled); read with all. */
  readonly enabled: boolean;
  readonly keys: readonly EncryptionKey[];
}

/** RKE2's display names in `secrets-encrypt status`. */
export const providerLabel: Readonly<Record<ProviderType, string>> = { aescbc: 'AES-CBC', secretbox: 'XSalsa20-POLY1305' };

/** The first key is `aescbckey` (or `secretboxkey`), later ones carry their creation time, as RKE2 names them. */
export function keyName(type: ProviderType, now: Date | undefined): string {
  return now ? `${type}key-${now.toISOString().replace(/\.\d{3}Z$/, 'Z')}` : `${type}key`;
}

interface ProviderEntry {
  readonly aescbc?: { readonly keys: readonly { name: string; secret: string }[] };
  readonly secretbox?: { readonly keys: readonly { name: string; secret: string }[] };
  readonly identity?: Record<string, never>;
}

/** The file kube-apiserver reads (--encryption-provider-config). Stable output: equal models give equal bytes (and hashes). */
export function renderEncryptionConfig(m: EncryptionModel): string {
  const groups: ProviderEntry[] = [];
  let current: { type: ProviderType; keys: { name: string; secret: string }[] } | undefined;
  for (const k of m.keys) {
    if (!current || current.type !== k.type) {
      current = { type: k.type, keys: [] };
      groups.push({ [k.type]: { keys: current.keys } });
    }
    current.keys.push({ name: k.name, secret: k.secret });
  }
  const identity: ProviderEntry = { identity: {} };
  const providers = m.enabled ? [...groups, identity] : [identity, ...groups];
  return `${JSON.stringify({ kind: 'EncryptionConfiguration', apiVersion: 'apiserver.config.k8s.io/v1', resources: [{ resources: ['secrets'], providers }] }, null, 2)}\n`;
}

function invalid(detail: string): RfoError {
  return new RfoError('RFO_ENCRYPTION_CONFIG_INVALID', `the secrets encryption configuration is not one rfo wrote: ${detail}`, {
    hint: 'restore server/cred/encryption-config.json from the copy rfo keeps beside it (encryption-config.json.bak-*) or from another server; rfo manages this file, edit it only through `rfo secrets-encrypt`',
  });
}

/** The inverse of renderEncryptionConfig; anything rfo would not have written is refused. */
export function parseEncryptionConfig(text: string): EncryptionModel {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw invalid(`not JSON (${(err as Error).message})`);
  }
  const d = doc as { kind?: unknown; resources?: unknown };
  if (d.kind !== 'EncryptionConfiguration' || !Array.isArray(d.resources) || d.resources.length !== 1) throw invalid('expected one EncryptionConfiguration resource entry');
  const entry = d.resources[0] as { resources?: unknown; providers?: unknown };
  if (JSON.stringify(entry.resources) !== '["secrets"]') throw invalid('only "secrets" may be encrypted');
  if (!Array.isArray(entry.providers) || entry.providers.length === 0) throw invalid('no providers');
  const keys: EncryptionKey[] = [];
  const providers = entry.providers as ProviderEntry[];
  const identityAt = providers.findIndex((p) => 'identity' in p);
  if (providers.filter((p) => 'identity' in p).length > 1) throw invalid('identity must appear once');
  if (identityAt !== 0 && identityAt !== providers.length - 1) throw invalid('identity must be the first or the last provider');
  for (const p of providers) {
    const names = Object.keys(p);
    if (names.length !== 1) throw invalid(`a provider entry names ${names.length} providers`);
    const type = names[0] as string;
    if (type === 'identity') continue;
    if (!(providerTypes as readonly string[]).includes(type)) throw invalid(`provider ${type} is not supported (aescbc, secretbox)`);
    const list = (p as Record<string, { keys?: unknown }>)[type]?.keys;
    if (!Array.isArray(list) || list.length === 0) throw invalid(`${type} has no keys`);
    for (const k of list as { name?: unknown; secret?: unknown }[]) {
      if (typeof k.name !== 'string' || !/^[A-Za-z0-9:._-]{1,128}$/.test(k.name)) throw invalid(`a ${type} key has a bad name`);
      if (typeof k.secret !== 'string' || Buffer.from(k.secret, 'base64').length !== 32) throw invalid(`key ${k.name} is not 32 bytes of base64`);
      if (keys.some((x) => x.name === k.name)) throw invalid(`key name ${k.name} is used twice`);
      keys.push({ type: type as ProviderType, name: k.name, secret: k.secret });
    }
  }
  if (keys.length === 0) throw invalid('no encryption key');
  const enabled = providers.length > 1 && identityAt === providers.length - 1;
  return { enabled: identityAt === -1 ? true : enabled, keys };
}

/** What kube-apiserver reports as the loaded configuration (apiserver_encryption_config_controller_last_config_info{hash}). */
export function encryptionConfigHash(text: string): string {
  return `sha256:${createHash('sha256').update(text).digest('hex')}`;
}

/** The raw etcd value prefix of a Secret written with this model (identity writes plaintext protobuf). */
export function etcdPrefixOf(m: EncryptionModel): string | undefined {
  const k = m.keys[0];
  return m.enabled && k ? `k8s:enc:${k.type}:v1:${k.name}:` : undefined;
}
