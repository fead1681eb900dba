import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseAllDocuments } from 'yaml';
import { renderKubeletCsrRbac } from './kubelet-csr-rbac.ts';

test('nodes get only the self-node-client renewal role, bound to the system:nodes group', () => {
  const docs = parseAllDocuments(renderKubeletCsrRbac()).map((d) => d.toJS() as { kind: string; roleRef: { kind: string; name: string }; subjects: { kind: string; name: string }[] });
  assert.equal(docs.length, 1);
  const [binding] = docs;
  assert.equal(binding?.kind, 'ClusterRoleBinding');
  assert.deepEqual(binding?.roleRef, { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'system:certificates.k8s.io:certificatesigningrequests:selfnodeclient' });
  assert.deepEqual(binding?.subjects, [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'system:nodes' }]);
});
