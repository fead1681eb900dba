import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { renderKubeletConfig } from './kubelet-config.ts';

const input = {
  address: '0.0.0.0',
  clientCaFile: '/d/agent/client-ca.crt',
  tlsCertFile: '/d/agent/serving-kubelet.crt',
  tlsKeyFile: '/d/agent/serving-kubelet.key',
  clusterDns: '10.43.0.10',
  clusterDomain: 'cluster.local',
  containerdSocket: '/run/rfo/containerd/containerd.sock',
  resolvConf: '/etc/resolv.conf',
  cgroupDriver: 'cgroupfs' as const,
  cgroupV1: true,
  podLogDir: '/var/log/pods',
};

test('on cgroup v1 the kubelet is allowed to start (failCgroupV1: false) with the cgroupfs driver', () => {
  const doc = parse(renderKubeletConfig(input)) as Record<string, unknown>;
  assert.equal(doc.kind, 'KubeletConfiguration');
  assert.equal(doc.failCgroupV1, false);
  assert.equal(doc.cgroupDriver, 'cgroupfs');
  assert.equal(doc.containerRuntimeEndpoint, 'unix:///run/rfo/containerd/containerd.sock');
  assert.deepEqual(doc.clusterDNS, ['10.43.0.10']);
  assert.equal(doc.readOnlyPort, 0);
  assert.deepEqual((doc.authentication as { anonymous: unknown }).anonymous, { enabled: false });
});

test('on cgroup v2 failCgroupV1 is left to its default', () => {
  const doc = parse(renderKubeletConfig({ ...input, cgroupV1: false })) as Record<string, unknown>;
  assert.equal('failCgroupV1' in doc, false);
});

test("kubelet rotates both its certificates through the CSR API, starting from rfo's files", () => {
  const doc = parse(renderKubeletConfig(input)) as Record<string, unknown>;
  assert.equal(doc.rotateCertificates, true);
  assert.equal(doc.serverTLSBootstrap, true);
  // the first serving certificate is still rfo's
  assert.equal(doc.tlsCertFile, '/d/agent/serving-kubelet.crt');
  assert.equal(doc.tlsPrivateKeyFile, '/d/agent/serving-kubelet.key');
});
