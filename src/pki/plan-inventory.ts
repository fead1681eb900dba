// Pure: every certificate rfo manages on a node, as data: which file, which
// CA or leaf, which RKE2 service name rotates it, which components use it.
// `rfo certificate check|rotate` read it, and so can a renewal loop: it is
// the one place that maps RKE2's service names to rfo's files.

export type NodeRole = 'server' | 'agent';

/** The leaves an agent fetches from a server at every start (api/handlers.ts nodeCertKinds; the unit test keeps them in step). */
export const nodeCertFiles = ['serving-kubelet', 'client-kubelet', 'client-kube-proxy', 'client-flannel'] as const;

/** RKE2's `certificate rotate --service` names (rke2 → rfo), plus the two rfo components RKE2 has no name for. */
export const certServiceNames = [
  'admin',
  'api-server',
  'controller-manager',
  'scheduler',
  'rfo-controller',
  'rfo-server',
  'cloud-controller',
  'etcd',
  'auth-proxy',
  'kubelet',
  'kube-proxy',
  'helm-controller',
  'flannel',
] as const;
export type CertService = (typeof certServiceNames)[number];

export interface ManagedCert {
  /** PKI spec id on servers (specs.ts), the file stem on agents. */
  readonly id: string;
  readonly kind: 'ca' | 'leaf';
  /** The service that rotates it; CAs have none (rotate-ca replaces them). */
  readonly service?: CertService;
  /** Relative to the data dir. */
  readonly certFile: string;
  /** Relative to the data dir; agents keep no CA keys. */
  readonly keyFile?: string;
  /** What reads it, for people deciding what a rotation touches. */
  readonly components: readonly string[];
}

export interface ManagedKubeconfig {
  /** Relative to the data dir. */
  readonly file: string;
  readonly service: CertService;
  readonly components: readonly string[];
}

/**
 * Kubeconfigs that embed a client certificate (rewritten from the files at
 * every start). The admin kubeconfig written to write-kubeconfig is a copy of
 * server/cred/admin.kubeconfig.
 */
export const managedKubeconfigs: Readonly<Record<NodeRole, readonly ManagedKubeconfig[]>> = {
  server: [
    { file: 'server/cred/admin.kubeconfig', service: 'admin', components: ['kubectl (admin kubeconfig)', 'rfo (its own API client)'] },
    { file: 'server/cred/controller.kubeconfig', service: 'controller-manager', components: ['kube-controller-manager'] },
    { file: 'server/cred/scheduler.kubeconfig', service: 'scheduler', components: ['kube-scheduler'] },
    { file: 'server/cred/helm-controller.kubeconfig', service: 'helm-controller', components: ['helm-controller'] },
    { file: 'agent/kubelet.kubeconfig', service: 'kubelet', components: ['kubelet'] },
    { file: 'agent/kubeproxy.kubeconfig', service: 'kube-proxy', components: ['kube-proxy'] },
    { file: 'agent/flannel.kubeconfig', service: 'rfo-controller', components: ['flanneld'] },
  ],
  agent: [
    { file: 'agent/kubelet.kubeconfig', service: 'kubelet', components: ['kubelet'] },
    { file: 'agent/kubeproxy.kubeconfig', service: 'kube-proxy', components: ['kube-proxy'] },
    { file: 'agent/flannel.kubeconfig', service: 'rfo-controller', components: ['flanneld'] },
  ],
};

interface ServiceRow {
  readonly service: CertService;
  /** Spec ids (specs.ts) under server/tls. */
  readonly server: readonly string[];
  /** File stems under agent/. */
  readonly agent: readonly string[];
  readonly components: readonly string[];
}

/**
 * rfo-controller is RKE2's name for the agent-side controller identity; in
 * rfo that is flanneld's client certificate, so `flannel` names the same files.
 * cloud-controller is accepted and has no files: rfo runs no cloud controller.
 */
const serviceRows: readonly ServiceRow[] = [
  { service: 'admin', server: ['admin'], agent: [], components: ['kubectl (admin kubeconfig)'] },
  { service: 'api-server', server: ['serving-kube-apiserver', 'kube-apiserver'], agent: [], components: ['kube-apiserver'] },
  { service: 'controller-manager', server: ['controller'], agent: [], components: ['kube-controller-manager'] },
  { service: 'scheduler', server: ['scheduler'], agent: [], components: ['kube-scheduler'] },
  { service: 'rfo-controller', server: ['flannel'], agent: ['client-flannel'], components: ['flanneld'] },
  { service: 'flannel', server: ['flannel'], agent: ['client-flannel'], components: ['flanneld'] },
  { service: 'rfo-server', server: ['serving-supervisor', 'supervisor'], agent: [], components: ['rfo supervisor API (9345)'] },
  { service: 'cloud-controller', server: [], agent: [], components: [] },
  { service: 'etcd', server: ['etcd-server', 'etcd-peer', 'etcd-client'], agent: [], components: ['etcd', 'kube-apiserver', 'rfo (etcdctl)'] },
  { service: 'auth-proxy', server: ['auth-proxy'], agent: [], components: ['kube-apiserver (aggregation proxy)'] },
  { service: 'kubelet', server: ['kubelet', 'serving-kubelet'], agent: ['client-kubelet', 'serving-kubelet'], components: ['kubelet'] },
  { service: 'kube-proxy', server: ['kube-proxy'], agent: ['client-kube-proxy'], components: ['kube-proxy'] },
  { service: 'helm-controller', server: ['helm-controller'], agent: [], components: ['helm-controller'] },
];

/** The server's PKI: spec id → file stem under server/tls (specs.ts names them; the unit test keeps the two in step). */
export const serverCertFiles: Readonly<Record<string, { readonly file: string; readonly kind: 'ca' | 'leaf'; readonly components: readonly string[] }>> = {
  'server-ca': { file: 'server-ca', kind: 'ca', components: ['every client of kube-apiserver and the supervisor'] },
  'kubelet-ca': { file: 'kubelet-ca', kind: 'ca', components: ['kube-apiserver (kubelet connections)'] },
  'client-ca': { file: 'client-ca', kind: 'ca', components: ['kube-apiserver', 'kubelet'] },
  'request-header-ca': { file: 'request-header-ca', kind: 'ca', components: ['kube-apiserver (aggregation)'] },
  'etcd-server-ca': { file: 'etcd/server-ca', kind: 'ca', components: ['etcd', 'kube-apiserver'] },
  'etcd-peer-ca': { file: 'etcd/peer-ca', kind: 'ca', components: ['etcd'] },
  'serving-kube-apiserver': { file: 'serving-kube-apiserver', kind: 'leaf', components: [] },
  'serving-supervisor': { file: 'serving-supervisor', kind: 'leaf', components: [] },
  'serving-kubelet': { file: 'serving-kubelet', kind: 'leaf', components: [] },
  admin: { file: 'client-admin', kind: 'leaf', components: [] },
  supervisor: { file: 'client-supervisor', kind: 'leaf', components: [] },
  controller: { file: 'client-controller', kind: 'leaf', components: [] },
  scheduler: { file: 'client-scheduler', kind: 'leaf', components: [] },
  'helm-controller': { file: 'client-helm-controller', kind: 'leaf', components: [] },
  'kube-apiserver': { file: 'client-kube-apiserver', kind: 'leaf', components: [] },
  'kube-proxy': { file: 'client-kube-proxy', kind: 'leaf', components: [] },
  flannel: { file: 'client-flannel', kind: 'leaf', components: [] },
  kubelet: { file: 'client-kubelet', kind: 'leaf', components: [] },
  'auth-proxy': { file: 'client-auth-proxy', kind: 'leaf', components: [] },
  'etcd-server': { file: 'etcd/server-client', kind: 'leaf', components: [] },
  'etcd-peer': { file: 'etcd/peer-server-client', kind: 'leaf', components: [] },
  'etcd-client': { file: 'etcd/client', kind: 'leaf', components: [] },
};

/** The service that owns a leaf; the first row wins (rfo-controller before its alias flannel). */
function ownerOf(role: NodeRole, id: string): ServiceRow | undefined {
  return serviceRows.find((r) => r[role].includes(id));
}

/** Every certificate rfo manages on a node of this role, CAs first. */
export function planInventory(role: NodeRole): ManagedCert[] {
  if (role === 'server') {
    return Object.entries(serverCertFiles).map(([id, f]) => {
      const owner = f.kind === 'leaf' ? ownerOf('server', id) : undefined;
      return {
        id,
        kind: f.kind,
        ...(owner ? { service: owner.service } : {}),
        certFile: `server/tls/${f.file}.crt`,
        keyFile: `server/tls/${f.file}.key`,
        components: owner ? owner.components : f.components,
      };
    });
  }
  const cas: ManagedCert[] = [
    { id: 'server-ca', kind: 'ca', certFile: 'agent/server-ca.crt', components: ['kubelet', 'kube-proxy', 'flanneld', 'rfo agent (trusts the servers)'] },
    { id: 'client-ca', kind: 'ca', certFile: 'agent/client-ca.crt', components: ['kubelet (authenticates kube-apiserver)'] },
  ];
  const leaves = nodeCertFiles.map((stem): ManagedCert => {
    const owner = ownerOf('agent', stem);
    return { id: stem, kind: 'leaf', ...(owner ? { service: owner.service } : {}), certFile: `agent/${stem}.crt`, keyFile: `agent/${stem}.key`, components: owner?.components ?? [] };
  });
  return [...cas, ...leaves];
}

/** RKE2's default for `rotate` without --service. */
export function defaultServices(role: NodeRole): CertService[] {
  return role === 'server' ? certServiceNames.filter((s) => s !== 'flannel') : ['kubelet', 'kube-proxy', 'rfo-controller'];
}

export type ServiceSelection =
  | { readonly ok: true; readonly services: readonly CertService[]; readonly notes: readonly string[] }
  | { readonly ok: false; readonly message: string; readonly hint: string };

/** The services a --service list names, checked against the role; no list = the default set. */
export function resolveServices(role: NodeRole, requested: readonly string[]): ServiceSelection {
  if (requested.length === 0) return { ok: true, services: defaultServices(role), notes: [] };
  const known = new Set<string>(certServiceNames);
  const unknown = requested.filter((r) => !known.has(r));
  if (unknown.length > 0) {
    return { ok: false, message: `unknown certificate service ${unknown.map((u) => `"${u}"`).join(', ')}`, hint: `valid services: ${certServiceNames.join(', ')}` };
  }
  const services = [...new Set(requested)] as CertService[];
  const elsewhere = services.filter((s) => s !== 'cloud-controller' && serviceRows.find((r) => r.service === s)?.[role].length === 0);
  if (elsewhere.length > 0) {
    const here = certServiceNames.filter((s) => (serviceRows.find((r) => r.service === s)?.[role].length ?? 0) > 0);
    return { ok: false, message: `${elsewhere.join(', ')} ${elsewhere.length === 1 ? 'has' : 'have'} no certificates on an ${role} node`, hint: `on an ${role}: ${here.join(', ')}; run the command on a server for the others` };
  }
  const notes = services.includes('cloud-controller') ? ['cloud-controller: rfo runs no cloud controller manager, so it has no certificate; nothing to do'] : [];
  return { ok: true, services, notes };
}

/** The leaves of these services on a node of this role (never a CA). */
export function leavesOf(role: NodeRole, services: readonly CertService[]): ManagedCert[] {
  const ids = new Set(serviceRows.filter((r) => services.includes(r.service)).flatMap((r) => r[role]));
  return planInventory(role).filter((c) => c.kind === 'leaf' && ids.has(c.id));
}
