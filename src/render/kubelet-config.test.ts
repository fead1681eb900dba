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

test('profile: cis adds the CIS 4.2 settings; without it the file is as before', () => {
  const plain = parse(renderKubeletConfig(input)) as Record<string, unknown>;
  for (const k of ['protectKernelDefaults', 'seccompDefault', 'podPidsLimit', 'tlsCipherSuites', 'eventRecordQPS']) assert.equal(plain[k], undefined, k);
  const doc = parse(renderKubeletConfig({ ...input, hardened: true })) as Record<string, unknown>;
  assert.equal(doc.protectKernelDefaults, true);
  assert.equal(doc.seccompDefault, true);
  assert.equal(doc.podPidsLimit, 4096);
  assert.equal(doc.eventRecordQPS, 50);
  assert.equal(doc.readOnlyPort, 0);
  assert.deepEqual(doc.tlsCipherSuites, [
    'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384',
    'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384',
    'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256',
    'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
    'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305',
    'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305',
  ]);
});
