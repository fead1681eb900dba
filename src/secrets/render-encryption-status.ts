// Pure: `rfo secrets-encrypt status` — what the cluster's record says, and
// whether every server has it on disk AND loaded in its kube-apiserver (the
// hash kube-apiserver reports), in RKE2's wording and JSON fields.

import { parseEncryptionConfig, providerLabel, encryptionConfigHash } from './encryption-config.ts';
import type { EncryptionRecord, Stage } from './plan-encryption-stage.ts';

/** What one server reports about itself (GET /v1-rfo/encrypt/local), or why it could not be asked. */
export interface ServerEncryptionState {
  readonly name: string;
  readonly generation?: number;
  readonly stage?: Stage;
  /** Hash of the file on disk. */
  readonly hash?: string;
  /** Hash kube-apiserver reports as loaded (undefined while it is not up). */
  readonly loaded?: string;
  readonly reencrypting?: boolean;
  readonly error?: string;
}

export interface EncryptionStatus {
  /** RKE2's wire fields. */
  readonly stage: Stage;
  readonly enable: boolean;
  readonly activekey: string;
  readonly inactivekeys: readonly string[];
  readonly hashmatch: boolean;
  readonly hasherror: string;
  /** rfo's additions. */
  readonly keys: readonly { readonly active: boolean; readonly type: string; readonly name: string }[];
  readonly servers: readonly ServerEncryptionState[];
  readonly hint?: string;
}

export function planEncryptionStatus(record: EncryptionRecord, servers: readonly ServerEncryptionState[]): EncryptionStatus {
  const m = parseEncryptionConfig(record.config);
  const want = encryptionConfigHash(record.config);
  const problems: string[] = [];
  for (const s of servers) {
    if (s.error) problems.push(`server ${s.name} did not answer: ${s.error}`);
    else if (s.hash !== want) problems.push(`hash does not match between the cluster's record and server ${s.name} (it has generation ${s.generation ?? '?'}, the cluster ${record.generation})`);
    else if (s.loaded !== want) problems.push(`server ${s.name}'s kube-apiserver has not loaded the configuration yet (it reloads within a minute)`);
  }
  const active = m.enabled ? m.keys[0]?.name : undefined;
  const interrupted = record.stage === 'reencrypt_active' && !servers.some((s) => s.reencrypting);
  return {
    stage: record.stage,
    enable: m.enabled,
    activekey: active ?? '',
    inactivekeys: m.keys.filter((k) => k.name !== active).map((k) => k.name),
    hashmatch: problems.length === 0,
    hasherror: problems.join('; '),
    keys: m.keys.map((k) => ({ active: k.name === active, type: providerLabel[k.type], name: k.name })),
    servers,
    ...(interrupted
      ? { hint: `the reencryption started by ${record.reencryptBy ?? 'a server'} is not running (that server stopped): no Secret was lost, the old key still reads; run \`rfo secrets-encrypt reencrypt\` to finish it` }
      : {}),
  };
}

export function renderEncryptionStatus(s: EncryptionStatus): string {
  const lines = [
    `Encryption Status: ${s.enable ? 'Enabled' : 'Disabled'}`,
    `Current Rotation Stage: ${s.stage}`,
    `Server Encryption Hashes: ${s.hashmatch ? 'All hashes match' : s.hasherror}`,
    '',
    'Active  Key Type           Name',
    '------  --------           ----',
    ...s.keys.map((k) => `${k.active ? ' *' : '  '}      ${k.type.padEnd(18)} ${k.name}`),
  ];
  if (s.hint) lines.push('', `hint: ${s.hint}`);
  return `${lines.join('\n')}\n`;
}
