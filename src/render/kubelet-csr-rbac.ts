// Pure: RBAC that lets each kubelet renew its own client certificate through
// the CSR API, as RKE2/K3s grant it. kube-controller-manager's approver
// auto-approves a kube-apiserver-client-kubelet request only when its
// requester may create certificatesigningrequests/selfnodeclient: this binds
// that (built-in) role to every node, and it covers only a node's own name
// (the approver checks the requested CN is the requester's). New client
// certificates for other names, and serving certificates, are not covered
// (serving ones are approved by rfo's own approver, kube/csr-approver.ts).

import { stringify } from 'yaml';

export const selfNodeClientRole = 'system:certificates.k8s.io:certificatesigningrequests:selfnodeclient';

export function renderKubeletCsrRbac(): string {
  return stringify({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name: 'rfo:node-client-certificate-renewal' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: selfNodeClientRole },
    subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'system:nodes' }],
  });
}
