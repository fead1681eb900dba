// Pure: the secrets-encryption record every server shares, and RKE2's stage
// machine over it (`rfo secrets-encrypt prepare|rotate|reencrypt|rotate-keys|
// enable|disable`). Each operation takes the current record and returns the
// next one, or a typed error naming the stage it needs; the record's
// generation orders changes, so a server that missed one adopts the newest.
//
//   start|reencrypt_finished --prepare--> prepare      (new key appended: every server can read it)
//   prepare                  --rotate---> rotate       (new key first: it writes)
//   rotate                   --reencrypt-> reencrypt_active --(all Secrets rewritten)--> reencrypt_finished
//                                                       (keys other than the active one removed, unless --skip)
//   rotate-keys = prepare, rotate, reencrypt in one call (each reaching every server first).

import { RfoError } from '../errors.ts';
import { keyName, parseEncryptionConfig, renderEncryptionConfig } from './encryption-config.ts';
import type { EncryptionKey, EncryptionModel, ProviderType } from './encryption-config.ts';

export const stages = ['start', 'prepare', 'rotate', 'reencrypt_request', 'reencrypt_active', 'reencrypt_finished'] as const;
export type Stage = (typeof stages)[number];

export interface EncryptionRecord {
  readonly version: 1;
  /** Increases with every change; the highest wins. */
  readonly generation: number;
  readonly stage: Stage;
  /** The EncryptionConfiguration file, byte for byte (its hash is what kube-apiserver reports). */
  readonly config: string;
  /** The server running a reencryption (stage reencrypt_active). */
  readonly reencryptBy?: string;
}

export function renderRecord(r: EncryptionRecord): string {
  return JSON.stringify(r);
}

export function parseRecord(text: string): EncryptionRecord {
  const r = JSON.parse(text) as Partial<EncryptionRecord>;
  if (r.version !== 1 || typeof r.generation !== 'number' || !stages.includes(r.stage as Stage) || typeof r.config !== 'string') {
    throw new RfoError('RFO_ENCRYPTION_CONFIG_INVALID', 'the shared secrets-encryption record has an unknown format', {
      hint: 'run the same rfo version on every server',
    });
  }
  parseEncryptionConfig(r.config);
  return r as EncryptionRecord;
}

/** A new cluster's record: one key of the chosen provider, encryption on unless `secrets-encryption: false`. */
export function planInitialRecord(o: { provider: ProviderType; enabled: boolean; secret: string }): EncryptionRecord {
  const model: EncryptionModel = { enabled: o.enabled, keys: [{ type: o.provider, name: keyName(o.provider, undefined), secret: o.secret }] };
  return { version: 1, generation: 1, stage: 'start', config: renderEncryptionConfig(model) };
}

export interface StageOptions {
  readonly force?: boolean;
}

function needs(op: string, allowed: readonly Stage[], current: Stage, force: boolean | undefined): void {
  if (force || allowed.includes(current)) return;
  throw new RfoError('RFO_ENCRYPTION_STAGE', `${op} needs the rotation stage to be ${allowed.join(' or ')}; it is ${current}`, {
    hint:
      current === 'reencrypt_active'
        ? 'a reencryption is running or was interrupted: see `rfo secrets-encrypt status`; `rfo secrets-encrypt reencrypt` resumes an interrupted one'
        : `follow the stages (prepare → rotate → reencrypt), or use \`rfo secrets-encrypt rotate-keys\` from start; --force skips this check`,
  });
}

function next(r: EncryptionRecord, stage: Stage, model: EncryptionModel, extra: Partial<EncryptionRecord> = {}): EncryptionRecord {
  const { reencryptBy: _dropped, ...rest } = r;
  return { ...rest, generation: r.generation + 1, stage, config: renderEncryptionConfig(model), ...extra };
}

/** prepare: a new key of the selected provider at the end, where it only decrypts. */
export function planPrepare(r: EncryptionRecord, o: StageOptions & { provider: ProviderType; secret: string; now: Date }): EncryptionRecord {
  needs('prepare', ['start', 'reencrypt_finished'], r.stage, o.force);
  const m = parseEncryptionConfig(r.config);
  const key: EncryptionKey = { type: o.provider, name: keyName(o.provider, o.now), secret: o.secret };
  if (m.keys.some((k) => k.name === key.name)) throw new RfoError('RFO_ENCRYPTION_STAGE', `a key named ${key.name} exists already`, { hint: 'wait a second and run it again' });
  return next(r, 'prepare', { ...m, keys: [...m.keys, key] });
}

/** rotate: the newest key (the last) becomes the one that writes. */
export function planRotate(r: EncryptionRecord, o: StageOptions = {}): EncryptionRecord {
  needs('rotate', ['prepare'], r.stage, o.force);
  const m = parseEncryptionConfig(r.config);
  const last = m.keys[m.keys.length - 1];
  if (!last || m.keys.length < 2) throw new RfoError('RFO_ENCRYPTION_STAGE', 'rotate needs a prepared key: there is only one', { hint: 'run `rfo secrets-encrypt prepare` first' });
  return next(r, 'rotate', { ...m, keys: [last, ...m.keys.slice(0, -1)] });
}

/** reencrypt starts (or resumes after an interruption: the keys are unchanged until it finishes). */
export function planReencryptStart(r: EncryptionRecord, o: StageOptions & { by: string }): EncryptionRecord {
  needs('reencrypt', ['rotate', 'reencrypt_active'], r.stage, o.force);
  return next(r, 'reencrypt_active', parseEncryptionConfig(r.config), { reencryptBy: o.by });
}

/** Every Secret was rewritten with the active key: the others can go (not with --skip). */
export function planReencryptFinish(r: EncryptionRecord, o: { skip?: boolean }): EncryptionRecord {
  const m = parseEncryptionConfig(r.config);
  return next(r, 'reencrypt_finished', o.skip ? m : { ...m, keys: m.keys.slice(0, 1) });
}

/** enable/disable: identity moves to the end (encrypt) or the front (write plaintext); existing Secrets change only at a reencrypt. */
export function planToggle(r: EncryptionRecord, o: StageOptions & { enabled: boolean }): EncryptionRecord {
  needs(o.enabled ? 'enable' : 'disable', ['start', 'prepare', 'rotate', 'reencrypt_finished'], r.stage, o.force);
  const m = parseEncryptionConfig(r.config);
  return next(r, r.stage, { ...m, enabled: o.enabled });
}

/** Whether a record changes the keys that read (so every server must load it before anything is written with it). */
export function activeKeyOf(r: EncryptionRecord): EncryptionKey | undefined {
  const m = parseEncryptionConfig(r.config);
  return m.enabled ? m.keys[0] : undefined;
}
