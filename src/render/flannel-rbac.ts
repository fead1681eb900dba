// Pure: RBAC for flanneld's identity (client certificate CN=system:rfo-flannel),
// exactly what its kube subnet manager uses: list/watch/get Nodes, and patch
// the status subresource (flannel writes its annotations and the
// NetworkUnavailable condition through nodes/status). Every agent holds this
// identity, so it gets no patch on Nodes themselves (labels, taints, spec),
// and no pods access (rfo passes NODE_NAME, so flannel never reads its pod).

import { stringify } from 'yaml';

export function renderFlannelRbac(): string {
  return [
    stringify({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: 'system:rfo-flannel' },
      rules: [
        { apiGroups: [''], resources: ['nodes'], verbs: ['get', 'list', 'watch'] },
        { apiGroups: [''], resources: ['nodes/status'], verbs: ['patch'] },
      ],
    }),
    stringify({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: 'system:rfo-flannel' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'system:rfo-flannel' },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'system:rfo-flannel' }],
    }),
  ].join('---\n');
}
