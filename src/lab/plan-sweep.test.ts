import { test } from 'node:test';
import assert from 'node:assert/strict';
import { labNamespaces, planSweep } from './plan-sweep.ts';

const p = (pid: number, ppid: number, mntNs: string, cmd = 'x') => ({ pid, ppid, mntNs, cmdline: cmd.split(' ') });

test("a node's processes: its mount namespace, its cgroup tasks, and their descendants; never init or the caller", () => {
  const processes = [
    p(1, 0, 'mnt:[host]', '/sbin/init'),
    p(10, 1, 'mnt:[s1]', 'node main.ts server'),
    p(11, 10, 'mnt:[s1]', 'etcd'),
    p(12, 1, 'mnt:[s1]', 'containerd-shim-runc-v2'),
    p(13, 12, 'mnt:[c1]', '/pause'),
    p(14, 13, 'mnt:[c1]', 'sleep'),
    p(20, 1, 'mnt:[s2]', 'node main.ts server'),
    p(30, 1, 'mnt:[c9]', 'orphan container in the cgroup'),
    p(40, 1, 'mnt:[s1]', 'rfo lab stop (the caller)'),
  ];
  assert.deepEqual(planSweep({ processes, mntNs: new Set(['mnt:[s1]']), cgroupPids: [30, 1], spare: [40] }), [10, 11, 12, 13, 14, 30]);
});

test('a lab without state is found by processes naming its dir, outside the host namespace', () => {
  const processes = [p(10, 1, 'mnt:[a]', 'node main.ts server --kubelet-arg=resolv-conf=/var/lib/rfo-lab/s1/resolv.conf'), p(11, 1, 'mnt:[b]', 'sh /var/lib/rfo-lab/a1/setup.sh'), p(12, 1, 'mnt:[host]', 'vi /var/lib/rfo-lab/lab.json'), p(13, 1, 'mnt:[c]', 'cat /var/lib/rfo-lab2/x')];
  assert.deepEqual([...labNamespaces(processes, '/var/lib/rfo-lab', 'mnt:[host]')].sort(), ['mnt:[a]', 'mnt:[b]']);
});
