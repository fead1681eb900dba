import { test } from 'node:test';
import assert from 'node:assert/strict';
import { filterIptablesSave, isRfoCommand, kubeRouterIpsets, planKillall } from './plan-killall.ts';

const p = (pid: number, ppid: number, cmd: string, marker?: string) => ({ pid, ppid, cmdline: cmd.split(' '), ...(marker ? { marker } : {}) });
const none = { instance: '/run/rfo' };

test('killall targets this instance: its rfo, everything carrying its marker, and the containers under its shims', () => {
  const plan = planKillall({
    selfPid: 99,
    instance: '/run/rfo',
    supervisorPid: 10,
    processes: [
      p(10, 1, '/usr/local/bin/node /opt/rfo/src/cli/main.ts server --debug'),
      p(11, 10, '/var/lib/rancher/rfo/bin/etcd --name x', '/run/rfo'),
      p(12, 1, '/var/lib/rancher/rfo/bin/containerd-shim-runc-v2 -namespace k8s.io', '/run/rfo'),
      p(13, 12, '/pause'),
      p(14, 13, 'sleep 100'),
      p(20, 1, '/usr/sbin/sshd'),
      p(99, 1, '/usr/local/bin/rfo killall'),
      // another instance on the same host (a lab node): left alone
      p(30, 1, '/usr/local/bin/rfo agent --run-dir /tmp/lab/n2/run'),
      p(31, 30, '/tmp/lab/n2/data/bin/kubelet', '/tmp/lab/n2/run'),
      p(32, 1, '/tmp/lab/n2/data/bin/containerd-shim-runc-v2', '/tmp/lab/n2/run'),
      p(33, 32, '/pause'),
    ],
    mounts: [],
    ownedDirs: [],
    links: [],
  });
  assert.deepEqual(plan.supervisors, [10]);
  assert.deepEqual(plan.processes, [11, 12, 13, 14]);
});

test('only rfo-owned mounts are unmounted, deepest first', () => {
  const plan = planKillall({
    selfPid: 1,
    ...none,
    processes: [],
    mounts: ['/', '/var/lib/kubelet', '/var/lib/kubelet/pods/a/volumes/x', '/run/rfo/containerd/io.containerd.runtime.v2.task/k8s.io/abc/rootfs', '/run/rfo/containerd/io.containerd.grpc.v1.cri/netns/cni-1234', '/run/netns/cni-other', '/var/lib/kubeletx', '/home'],
    ownedDirs: ['/var/lib/kubelet', '/run/rfo', '/var/lib/rancher/rfo'],
    links: [],
  });
  assert.deepEqual([...plan.unmounts].sort(), ['/run/rfo/containerd/io.containerd.grpc.v1.cri/netns/cni-1234', '/run/rfo/containerd/io.containerd.runtime.v2.task/k8s.io/abc/rootfs', '/var/lib/kubelet', '/var/lib/kubelet/pods/a/volumes/x']);
  for (const [i, m] of plan.unmounts.entries()) {
    for (const later of plan.unmounts.slice(i + 1)) assert.ok(!later.startsWith(`${m}/`), `${later} is nested in ${m} and must come off first`);
  }
});

test('the pod network interfaces go, others stay', () => {
  const plan = planKillall({ selfPid: 1, ...none, processes: [], mounts: [], ownedDirs: [], links: [{ name: 'eth0' }, { name: 'cni0' }, { name: 'flannel.1' }, { name: 'veth1234', master: 'cni0' }, { name: 'veth9', master: 'docker0' }] });
  assert.deepEqual(plan.links, ['cni0', 'flannel.1', 'veth1234']);
});

test('iptables rules of kube-proxy, flannel and CNI are dropped, the host rules kept', () => {
  const saved = ['*filter', ':INPUT ACCEPT [0:0]', ':KUBE-FORWARD - [0:0]', '-A INPUT -p tcp --dport 22 -j ACCEPT', '-A FORWARD -m comment --comment "kubernetes forwarding rules" -j KUBE-FORWARD', '-A FORWARD -m comment --comment "flanneld forward" -j FLANNEL-FWD', 'COMMIT'].join('\n');
  assert.equal(filterIptablesSave(saved), ['*filter', ':INPUT ACCEPT [0:0]', '-A INPUT -p tcp --dport 22 -j ACCEPT', 'COMMIT'].join('\n'));
});

test('isRfoCommand knows every way rfo server/agent runs, and nothing else', () => {
  const is = (cmd: string) => isRfoCommand(cmd.split(' '));
  assert.ok(is('/usr/local/bin/rfo server'));
  assert.ok(is('/usr/local/lib/rfo/node /usr/local/lib/rfo/src/cli/main.ts agent'));
  assert.ok(is('/opt/rfo/node_modules/node/bin/node --max-semi-space-size=1 /opt/rfo/dist/js/src/cli/main.js server'));
  assert.ok(!is('/usr/local/bin/rfo killall'));
  assert.ok(!is('/usr/bin/node /srv/app/main.js server'));
  assert.ok(!is('/usr/bin/notrfo server'));
});

test('the ipsets of the network policy controller, and no others', () => {
  assert.deepEqual(kubeRouterIpsets(['KUBE-SRC-ABC', 'KUBE-DST-XYZ', 'inet6:KUBE-SRC-Q', 'KUBE-CLUSTER-IP', 'my-set', '']), ['KUBE-SRC-ABC', 'KUBE-DST-XYZ', 'inet6:KUBE-SRC-Q']);
});
