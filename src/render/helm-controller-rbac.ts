// Pure: RBAC for helm-controller's identity (client certificate
// CN=system:rfo-helm-controller). It binds --job-cluster-role (cluster-admin)
// to every chart's job service account, and Kubernetes lets a subject grant
// only what it holds (or has `bind` on), so it holds cluster-admin too, as in
// K3s and RKE2. Unlike their admin credential it is a name of its own:
// delete this binding and the controller can do nothing.

import { stringify } from 'yaml';

export const helmControllerUser = 'system:rfo-helm-controller';

export function renderHelmControllerRbac(): string {
  return stringify({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name: 'system:rfo-helm-controller' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
    subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: helmControllerUser }],
  });
}
