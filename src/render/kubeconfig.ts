// Pure: kubeconfig files for rfo's clients (admin, controller-manager,
// scheduler, kubelet, kube-proxy, supervisor), with certificates embedded so
// each file stands alone and can be copied off the node.

import { stringify } from 'yaml';

export interface KubeconfigInput {
  readonly server: string;
  readonly caPem: string;
  readonly certPem: string;
  readonly keyPem: string;
  /** Context/user name; "default" like RKE2's rke2.yaml. */
  readonly name?: string;
}

const b64 = (s: string) => Buffer.from(s).toString('base64');

export function renderKubeconfig(input: KubeconfigInput): string {
  const name = input.name ?? 'default';
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name, cluster: { server: input.server, 'certificate-authority-data': b64(input.caPem) } }],
    users: [{ name, user: { 'client-certificate-data': b64(input.certPem), 'client-key-data': b64(input.keyPem) } }],
    contexts: [{ name, context: { cluster: name, user: name } }],
    'current-context': name,
    preferences: {},
  });
}
