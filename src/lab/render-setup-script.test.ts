import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderSetupScript, shellQuote } from './render-setup-script.ts';

test('the setup script binds every private dir, mounts a fresh /run, then execs rfo', () => {
  const script = renderSetupScript({ nodeDir: '/var/lib/rfo-lab/s1', hostname: 's1', argv: ['/opt/rfo/bin/rfo', 'server', '--token', "it's"] });
  const lines = script.split('\n');
  assert.equal(lines[0], '#!/bin/sh');
  for (const [dir, target] of [
    ['etc-rancher', '/etc/rancher'],
    ['var-lib-rancher', '/var/lib/rancher'],
    ['var-lib-kubelet', '/var/lib/kubelet'],
    ['etc-cni', '/etc/cni'],
    ['var-lib-cni', '/var/lib/cni'],
    ['var-log-pods', '/var/log/pods'],
    ['var-log-containers', '/var/log/containers'],
  ]) {
    assert.ok(lines.includes(`mount --bind /var/lib/rfo-lab/s1/${dir} ${target}`), target);
  }
  assert.ok(lines.includes('hostname s1'), 'the node has its own hostname (UTS namespace)');
  const run = lines.findIndex((l) => l.startsWith('mount -t tmpfs'));
  const exec = lines.findIndex((l) => l.startsWith('exec '));
  assert.ok(run > 0 && exec > run, 'rfo starts after /run is private');
  assert.equal(lines[exec], `exec /opt/rfo/bin/rfo server --token 'it'\\''s'`);
  assert.ok(lines.findIndex((l) => l.includes('nsfs')) < run, 'other namespaces are released before anything else');
});

test('shell quoting', () => {
  assert.equal(shellQuote('--kubelet-arg=cgroup-root=/rfolab-s1'), '--kubelet-arg=cgroup-root=/rfolab-s1');
  assert.equal(shellQuote('a b'), `'a b'`);
  assert.equal(shellQuote(''), `''`);
});
