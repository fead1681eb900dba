// Pure: where a kind lives in the Kubernetes REST API. Kinds rfo itself uses
// are known here; any other kind (a manifest in server/manifests may hold a
// CRD's objects) is found by discovery (kube-client.ts) and passed in.

export interface ResourceType {
  readonly group: string; // '' for the core group
  readonly version: string;
  readonly kind: string;
  readonly plural: string;
  readonly namespaced: boolean;
}

export interface ObjectRef {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
}

export function parseApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

export const apiVersionOf = (t: Pick<ResourceType, 'group' | 'version'>): string => (t.group === '' ? t.version : `${t.group}/${t.version}`);

const known: readonly ResourceType[] = [
  { group: '', version: 'v1', kind: 'Node', plural: 'nodes', namespaced: false },
  { group: '', version: 'v1', kind: 'Namespace', plural: 'namespaces', namespaced: false },
  { group: '', version: 'v1', kind: 'Secret', plural: 'secrets', namespaced: true },
  { group: '', version: 'v1', kind: 'ConfigMap', plural: 'configmaps', namespaced: true },
  { group: '', version: 'v1', kind: 'Service', plural: 'services', namespaced: true },
  { group: '', version: 'v1', kind: 'ServiceAccount', plural: 'serviceaccounts', namespaced: true },
  { group: '', version: 'v1', kind: 'Pod', plural: 'pods', namespaced: true },
  { group: '', version: 'v1', kind: 'Event', plural: 'events', namespaced: true },
  { group: 'apps', version: 'v1', kind: 'Deployment', plural: 'deployments', namespaced: true },
  { group: 'apps', version: 'v1', kind: 'DaemonSet', plural: 'daemonsets', namespaced: true },
  { group: 'networking.k8s.io', version: 'v1', kind: 'NetworkPolicy', plural: 'networkpolicies', namespaced: true },
  { group: 'coordination.k8s.io', version: 'v1', kind: 'Lease', plural: 'leases', namespaced: true },
  { group: 'certificates.k8s.io', version: 'v1', kind: 'CertificateSigningRequest', plural: 'certificatesigningrequests', namespaced: false },
  { group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'ClusterRole', plural: 'clusterroles', namespaced: false },
  { group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'ClusterRoleBinding', plural: 'clusterrolebindings', namespaced: false },
  { group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'Role', plural: 'roles', namespaced: true },
  { group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'RoleBinding', plural: 'rolebindings', namespaced: true },
  { group: 'apiextensions.k8s.io', version: 'v1', kind: 'CustomResourceDefinition', plural: 'customresourcedefinitions', namespaced: false },
  { group: 'k3s.cattle.io', version: 'v1', kind: 'ETCDSnapshotFile', plural: 'etcdsnapshotfiles', namespaced: false },
  { group: 'k3s.cattle.io', version: 'v1', kind: 'Addon', plural: 'addons', namespaced: true },
  { group: 'helm.cattle.io', version: 'v1', kind: 'HelmChart', plural: 'helmcharts', namespaced: true },
  { group: 'helm.cattle.io', version: 'v1', kind: 'HelmChartConfig', plural: 'helmchartconfigs', namespaced: true },
];

/** A type rfo knows without asking the server, or undefined (then use discovery). */
export function knownType(apiVersion: string, kind: string): ResourceType | undefined {
  const { group, version } = parseApiVersion(apiVersion);
  return known.find((t) => t.group === group && t.version === version && t.kind === kind);
}

export function typeOf(apiVersion: string, kind: string): ResourceType {
  const t = knownType(apiVersion, kind);
  if (!t) throw new Error(`kind ${kind} (${apiVersion}) is not one rfo knows; discover it first`);
  return t;
}

export interface PathOptions {
  readonly namespace?: string;
  readonly name?: string;
  readonly subresource?: string;
  readonly query?: Readonly<Record<string, string | number | boolean | undefined>>;
}

export function resourcePath(t: ResourceType, o: PathOptions = {}): string {
  const base = t.group === '' ? `/api/${t.version}` : `/apis/${t.group}/${t.version}`;
  const ns = t.namespaced && o.namespace ? `/namespaces/${encodeURIComponent(o.namespace)}` : '';
  const name = o.name ? `/${encodeURIComponent(o.name)}` : '';
  const sub = o.name && o.subresource ? `/${o.subresource}` : '';
  const q = Object.entries(o.query ?? {})
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
    .join('&');
  return `${base}${ns}/${t.plural}${name}${sub}${q ? `?${q}` : ''}`;
}

/** The discovery document of a group version (GET /api/v1 or /apis/<g>/<v>) as resource types. */
export function parseDiscovery(apiVersion: string, doc: unknown): ResourceType[] {
  const { group, version } = parseApiVersion(apiVersion);
  const resources = ((doc as { resources?: unknown[] } | undefined)?.resources ?? []) as { name?: string; kind?: string; namespaced?: boolean }[];
  return resources
    .filter((r) => typeof r.name === 'string' && !r.name.includes('/') && typeof r.kind === 'string')
    .map((r) => ({ group, version, kind: r.kind ?? '', plural: r.name ?? '', namespaced: r.namespaced === true }));
}
