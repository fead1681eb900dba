// Pure: the default NetworkPolicies of the cis profile, RKE2's (pkg/rke2/np.go)
// with rfo's add-on names. In kube-system, kube-public and default every pod
// accepts traffic only from pods of its own namespace; in kube-system the
// cluster DNS takes port 53 from anywhere, and the ingress controller and
// metrics-server their serving ports (the apiserver, on the host network,
// calls metrics-server). Policies for an add-on that is not deployed select
// no pod and do nothing. They only bite where a network-policy engine runs
// (flannel alone enforces nothing).
//
// As in RKE2 each policy is applied once: an annotation on its namespace
// (np.rfo.io/<key>: resolved) records it, so an operator may change or delete
// the policy and rfo leaves it so; remove the annotation to get it back.

export interface CisNetworkPolicy {
  readonly namespace: string;
  /** The namespace annotation that records this policy was applied. */
  readonly annotation: string;
  readonly object: {
    readonly apiVersion: 'networking.k8s.io/v1';
    readonly kind: 'NetworkPolicy';
    readonly metadata: { readonly name: string; readonly namespace: string; readonly annotations: Readonly<Record<string, string>> };
    readonly spec: Readonly<Record<string, unknown>>;
  };
}

/** RKE2's three: the namespaces every cluster has and users should not run workloads in. */
export const cisPolicyNamespaces: readonly string[] = ['kube-system', 'kube-public', 'default'];

export const npAnnotationPrefix = 'np.rfo.io';
const resolved = 'resolved';

function policy(namespace: string, name: string, key: string, podSelector: Readonly<Record<string, unknown>>, ingress: readonly unknown[]): CisNetworkPolicy {
  const annotation = key ? `${npAnnotationPrefix}/${key}` : npAnnotationPrefix;
  return {
    namespace,
    annotation,
    object: {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name, namespace, annotations: { [annotation]: resolved } },
      spec: { podSelector, policyTypes: ['Ingress'], ingress },
    },
  };
}

const tcp = (port: number | string) => ({ protocol: 'TCP', port });

export function renderCisNetworkPolicies(): CisNetworkPolicy[] {
  return [
    ...cisPolicyNamespaces.map((ns) => policy(ns, 'default-network-policy', '', {}, [{ from: [{ podSelector: {} }] }])),
    policy('kube-system', 'default-network-dns-policy', 'dns', { matchLabels: { 'k8s-app': 'kube-dns' } }, [{ ports: [tcp(53), { protocol: 'UDP', port: 53 }] }]),
    // rfo-traefik (ingress-controller: traefik): its hostPorts 80/443 lead to the container ports named web and websecure.
    policy('kube-system', 'default-network-traefik-policy', 'traefik', { matchLabels: { 'app.kubernetes.io/name': 'rfo-traefik' } }, [{ ports: [tcp('web'), tcp('websecure')] }]),
    // rfo-metrics-server: kube-apiserver (host network, any server) calls it on the port named https.
    policy('kube-system', 'default-network-metrics-server-policy', 'metrics-server', { matchLabels: { 'k8s-app': 'metrics-server' } }, [{ ports: [tcp('https')] }]),
  ];
}

/** RKE2 turns the default service account's token off in these namespaces (CIS 5.1.5). */
export const cisNoAutomountNamespaces: readonly string[] = ['kube-system', 'kube-public', 'default', 'kube-node-lease'];
