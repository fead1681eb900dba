import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planRecovery } from './plan-recovery.ts';
import type { RecoveryProcess } from './plan-recovery.ts';

const t0 = 1_700_000_000_000;
const p = (pid: number, ppid: number, cmd: string, marker?: string, extra: Partial<RecoveryProcess> = {}): RecoveryProcess => ({ pid, ppid, cmdline: cmd.split(' '), state: 'S', startedMs: t0, ...(marker ? { marker } : {}), ...extra });
const run = '/run/rfo';

// What `kill -9` of rfo leaves: its components reparented to init, the shims and containers.
const leftovers = [
  p(11, 1, '/var/lib/rancher/rfo/bin/etcd --name s1', run),
  p(12, 1, '/var/lib/rancher/rfo/bin/kube-apiserver --secure-port=6443', run),
  p(13, 1, '/var/lib/rancher/rfo/bin/containerd --config x', run),
  p(14, 1, '/var/lib/rancher/rfo/bin/kubelet', run),
  p(15, 14, '/usr/bin/mount -t tmpfs', run),
  p(20, 1, '/var/lib/rancher/rfo/bin/containerd-shim-runc-v2 -namespace k8s.io -id abc', run),
  p(21, 20, '/pause'),
  p(22, 20, 'sleep 3600'),
  p(23, 22, 'sh -c child', run),
  // another instance on the same host (a lab node) and unrelated processes
  p(30, 1, '/tmp/lab/n2/bin/kubelet', '/run/rfo-lab-n2'),
  p(40, 1, '/usr/sbin/sshd'),
  // a zombie of this instance: already dead
  p(50, 1, '/var/lib/rancher/rfo/bin/flanneld', run, { state: 'Z' }),
];

test('after kill -9 of rfo: its components are stopped, the shims and the containers under them are kept', () => {
  const plan = planRecovery({ instance: run, selfPid: 99, processes: [...leftovers, p(99, 1, '/usr/local/bin/rfo server')], pidFile: { pid: 10, writtenMs: t0 + 5000 } });
  assert.equal(plan.action, 'clean');
  assert.ok(plan.action === 'clean');
  assert.deepEqual(plan.stop, [
    { pid: 11, name: 'etcd' },
    { pid: 12, name: 'kube-apiserver' },
    { pid: 13, name: 'containerd' },
    { pid: 14, name: 'kubelet' },
    { pid: 15, name: 'mount' },
  ]);
  assert.equal(plan.kept, 4, 'shim, pause, the container and its child');
});

test('a live earlier rfo of this run dir is not touched: start is refused', () => {
  const plan = planRecovery({ instance: run, selfPid: 99, processes: [...leftovers, p(10, 1, '/usr/local/lib/rfo/node /usr/local/lib/rfo/src/cli/main.ts server')], pidFile: { pid: 10, writtenMs: t0 + 5000 } });
  assert.deepEqual(plan, { action: 'refuse', pid: 10 });
  // bin/rfo runs the compiled copy (npm run build:js) while it is fresh: the same rfo
  const compiled = planRecovery({ instance: run, selfPid: 99, processes: [...leftovers, p(10, 1, '/opt/rfo/node_modules/node/bin/node --max-semi-space-size=1 /opt/rfo/dist/js/src/cli/main.js agent')], pidFile: { pid: 10, writtenMs: t0 + 5000 } });
  assert.deepEqual(compiled, { action: 'refuse', pid: 10 });
});

test('a pid file naming a reused pid (another program, or a process started after the file was written) does not block', () => {
  const other = planRecovery({ instance: run, selfPid: 99, processes: [p(10, 1, '/usr/bin/vim')], pidFile: { pid: 10, writtenMs: t0 + 5000 } });
  assert.equal(other.action, 'clean');
  const later = planRecovery({ instance: run, selfPid: 99, processes: [p(10, 1, '/usr/local/bin/rfo agent', undefined, { startedMs: t0 + 60_000 })], pidFile: { pid: 10, writtenMs: t0 + 5000 } });
  assert.equal(later.action, 'clean');
  // rfo itself restarted with the same pid (a pid namespace): it is not "another" rfo
  const self = planRecovery({ instance: run, selfPid: 10, processes: [p(10, 1, '/usr/local/bin/rfo server')], pidFile: { pid: 10, writtenMs: t0 + 5000 } });
  assert.equal(self.action, 'clean');
});

test('a fresh host: nothing to stop', () => {
  assert.deepEqual(planRecovery({ instance: run, selfPid: 99, processes: [p(40, 1, '/usr/sbin/sshd')] }), { action: 'clean', stop: [], kept: 0 });
});
