import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planKubeletCertCleanup } from './plan-kubelet-cert-cleanup.ts';

const client = (cn: string | undefined, signedByClusterCa = true) => ({ file: '/k/pki/kubelet-client-current.pem', commonName: cn, signedByClusterCa });
const server = (cn: string | undefined) => ({ file: '/k/pki/kubelet-server-current.pem', commonName: cn });

test("kubelet's own pair of this node and cluster is kept; none at all is nothing to do", () => {
  assert.deepEqual(planKubeletCertCleanup('n1', client('system:node:n1'), server('system:node:n1')).remove, []);
  assert.deepEqual(planKubeletCertCleanup('n1', undefined, undefined).remove, []);
});

test("a client certificate of another cluster or another node name goes, with the serving one", () => {
  const other = planKubeletCertCleanup('n1', client('system:node:n1', false), server('system:node:n1'));
  assert.deepEqual(other.remove, ['/k/pki/kubelet-client-current.pem', '/k/pki/kubelet-server-current.pem']);
  assert.match(other.reason ?? '', /not issued by this cluster's client-ca/);
  const renamed = planKubeletCertCleanup('n2', client('system:node:n1'), undefined);
  assert.deepEqual(renamed.remove, ['/k/pki/kubelet-client-current.pem']);
  assert.match(renamed.reason ?? '', /for system:node:n1, not system:node:n2/);
  assert.deepEqual(planKubeletCertCleanup('n1', client(undefined), undefined).remove, ['/k/pki/kubelet-client-current.pem']);
});

test('a serving certificate of another node name goes alone', () => {
  assert.deepEqual(planKubeletCertCleanup('n2', client('system:node:n2'), server('system:node:n1')).remove, ['/k/pki/kubelet-server-current.pem']);
});
