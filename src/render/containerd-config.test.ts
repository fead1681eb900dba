import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderContainerdConfig } from './containerd-config.ts';

const input = {
  root: '/var/lib/rancher/rfo/agent/containerd',
  state: '/run/rfo/containerd',
  socket: '/run/rfo/containerd/containerd.sock',
  binDir: '/var/lib/rancher/rfo/bin',
  cniConfDir: '/etc/cni/net.d',
  sandboxImage: 'registry.k8s.io/pause:3.10.2',
  systemdCgroup: false,
  restrictOomScoreAdj: false,
  registryConfigPath: '/var/lib/rancher/rfo/agent/etc/containerd/certs.d',
  registryAuths: [],
};

test('containerd config pins our sandbox image, runc and CNI paths, and the cgroupfs driver', () => {
  const text = renderContainerdConfig(input);
  assert.match(text, /^version = 4$/m);
  assert.match(text, /\[plugins.'io.containerd.server.v1.grpc'\]\n {2}address = "\/run\/rfo\/containerd\/containerd.sock"/);
  assert.match(text, /sandbox = "registry.k8s.io\/pause:3.10.2"/);
  assert.match(text, /BinaryName = "\/var\/lib\/rancher\/rfo\/bin\/runc"/);
  assert.match(text, /SystemdCgroup = false/);
  assert.match(text, /bin_dirs = \["\/var\/lib\/rancher\/rfo\/bin"\]/);
  assert.match(renderContainerdConfig({ ...input, systemdCgroup: true }), /SystemdCgroup = true/);
  assert.match(text, /restrict_oom_score_adj = false/);
  assert.match(renderContainerdConfig({ ...input, restrictOomScoreAdj: true }), /restrict_oom_score_adj = true/);
});
