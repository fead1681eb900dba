// Pure: what a joining server receives (sealed with the server token): the
// cluster's CA certificates and keys, the service-account key, and the
// cluster-wide settings every server must share. A joining server compares
// those settings with its own before it changes anything. The file names are
// an allow-list: the joining server writes them as root under its tls dir,
// so a name from the wire must never choose where a file goes.

import { RfoError } from '../errors.ts';

/** Files under server/tls a server copies verbatim from the cluster. */
export const bootstrapFiles = [
  'server-ca.crt',
  'server-ca.key',
  'client-ca.crt',
  'client-ca.key',
  'request-header-ca.crt',
  'request-header-ca.key',
  'etcd/server-ca.crt',
  'etcd/server-ca.key',
  'etcd/peer-ca.crt',
  'etcd/peer-ca.key',
  'service.key',
] as const;

/**
 * Files a server sends when it has them: the kubelet serving CA is newer than
 * the format, so a server joining through an older one gets none (and makes
 * the same CA itself, see pki/derive-key.ts).
 */
export const optionalBootstrapFiles = ['kubelet-ca.crt', 'kubelet-ca.key'] as const;

const knownFiles: ReadonlySet<string> = new Set([...bootstrapFiles, ...optionalBootstrapFiles]);

/** Settings that must be identical on every server (RKE2/K3s refuse a join on a mismatch too). */
export const clusterWideSettings = ['cluster-cidr', 'service-cidr', 'cluster-dns', 'cluster-domain', 'service-node-port-range'] as const;

export interface BootstrapData {
  readonly version: 1;
  readonly files: Readonly<Record<string, string>>;
  readonly settings: Readonly<Record<string, string>>;
  /** The agent token's password (equal to the server token's when no agent token was set). */
  readonly agentPassword: string;
}

export function renderBootstrap(data: BootstrapData): string {
  return JSON.stringify(data);
}

export function parseBootstrap(text: string): BootstrapData {
  const data = JSON.parse(text) as Partial<BootstrapData>;
  if (data.version !== 1 || typeof data.files !== 'object' || typeof data.settings !== 'object' || typeof data.agentPassword !== 'string') {
    throw new Error('bootstrap data has an unknown format (is the other server running another rfo version?)');
  }
  for (const f of bootstrapFiles) if (typeof data.files[f] !== 'string') throw new Error(`bootstrap data lacks ${f}`);
  planBootstrapWrites(data.files);
  return data as BootstrapData;
}

export interface BootstrapWrite {
  /** Relative to the tls dir; always one of the known names. */
  readonly file: string;
  readonly content: string;
  readonly mode: number;
}

function refused(detail: string): RfoError {
  return new RfoError('RFO_JOIN_FAILED', `bootstrap data refused, nothing was written: ${detail}`, {
    hint: 'the server that sent it is not a genuine rfo server of this version; check server: and run the same rfo version on every server',
  });
}

/**
 * What writing the bootstrap files means: every name checked before any is
 * written (all or nothing). Names with a `..`, `.` or empty path component,
 * an absolute path or a backslash are refused by name, and so is anything
 * not on the allow-list.
 */
export function planBootstrapWrites(files: Readonly<Record<string, unknown>>): BootstrapWrite[] {
  const writes: BootstrapWrite[] = [];
  for (const [file, content] of Object.entries(files)) {
    const shown = JSON.stringify(file.length > 80 ? `${file.slice(0, 80)}…` : file);
    if (file.split('/').some((c) => c === '' || c === '.' || c === '..') || /[\\\0]/.test(file)) throw refused(`file name ${shown} is not a plain relative path`);
    if (!knownFiles.has(file)) throw refused(`unknown file ${shown}`);
    if (typeof content !== 'string') throw refused(`${shown} is not text`);
    writes.push({ file, content, mode: file.endsWith('.key') ? 0o600 : 0o644 });
  }
  return writes;
}

export interface SettingMismatch {
  readonly key: string;
  readonly cluster: string;
  readonly local: string;
}

export function compareClusterSettings(cluster: Readonly<Record<string, string>>, local: Readonly<Record<string, string>>): SettingMismatch[] {
  return clusterWideSettings.filter((k) => (cluster[k] ?? '') !== (local[k] ?? '')).map((k) => ({ key: k, cluster: cluster[k] ?? '', local: local[k] ?? '' }));
}
