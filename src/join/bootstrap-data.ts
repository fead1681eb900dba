// Pure: what a joining server receives (sealed with the server token): the
// cluster's CA certificates and keys, the service-account key, and the
// cluster-wide settings every server must share. A joining server compares
// those settings with its own before it changes anything.

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
  return data as BootstrapData;
}

export interface SettingMismatch {
  readonly key: string;
  readonly cluster: string;
  readonly local: string;
}

export function compareClusterSettings(cluster: Readonly<Record<string, string>>, local: Readonly<Record<string, string>>): SettingMismatch[] {
  return clusterWideSettings.filter((k) => (cluster[k] ?? '') !== (local[k] ?? '')).map((k) => ({ key: k, cluster: cluster[k] ?? '', local: local[k] ?? '' }));
}
