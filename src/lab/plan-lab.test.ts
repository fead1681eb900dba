import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kubeletDropinPath, nodeArgv, overlaps, planLab, renderKubeletDropin, withRuntimeDir } from './plan-lab.ts';
import { labDefaults } from './plan-lab.ts';

test('servers get .11.., agents .21.., the bridge .1; names fit in 15 characters', () => {
  const plan = planLab({ ...labDefaults, servers: 3, agents: 2, name: 'rfolabxyzw', subnet: '10.197.3.0/24', labDir: '/tmp/l' });
  assert.equal(plan.bridge, 'rfolabxyzwbr');
  assert.equal(plan.bridgeIp, '10.197.3.1');
  assert.deepEqual(
    plan.nodes.map((n) => [n.name, n.role, n.ip]),
    [
      ['s1', 'server', '10.197.3.11'],
      ['s2', 'server', '10.197.3.12'],
      ['s3', 'server', '10.197.3.13'],
      ['a1', 'agent', '10.197.3.21'],
      ['a2', 'agent', '10.197.3.22'],
    ],
  );
  for (const n of plan.nodes) {
    assert.ok(n.hostIf.length <= 14, `${n.hostIf}: its veth peer adds one character`);
    assert.equal(n.netns, `rfolabxyzw-${n.name}`);
    assert.equal(n.cgroupRoot, `/rfolabxyzw-${n.name}`);
    assert.equal(n.dir, `/tmp/l/${n.name}`);
  }
  assert.equal(new Set(plan.nodes.map((n) => n.runDir)).size, plan.nodes.length, 'run dirs differ: killall scopes by them');
  const big = planLab({ ...labDefaults, agents: 99, name: 'abcdefghij' });
  assert.ok(big.nodes.every((n) => `${n.hostIf}p`.length <= 15));
  assert.equal(big.nodes.at(-1)?.ip, '10.198.0.119');
});

test('a larger subnet keeps the same host numbers', () => {
  assert.equal(planLab({ ...labDefaults, subnet: '10.197.0.0/16' }).nodes[0]?.ip, '10.197.0.11');
});

test('bad options are usage errors with a hint', () => {
  const bad: [Partial<typeof labDefaults>, RegExp][] = [
    [{ name: 'Rfo' }, /--name Rfo/],
    [{ name: 'abcdefghijk' }, /--name/],
    [{ servers: 0 }, /--servers 0/],
    [{ servers: 10 }, /--servers 10/],
    [{ agents: 100 }, /--agents 100/],
    [{ subnet: '10.197.0.0/25' }, /not an IPv4 network/],
    [{ subnet: '10.197.0.1/24' }, /host bits/],
    [{ subnet: '300.1.1.0/24' }, /not an IPv4 network/],
    [{ labDir: 'relative' }, /absolute/],
  ];
  for (const [o, message] of bad) {
    assert.throws(() => planLab({ ...labDefaults, ...o }), (e: Error & { code?: string; hint?: string }) => e.code === 'RFO_USAGE' && message.test(e.message) && Boolean(e.hint));
  }
});

test('overlap of networks', () => {
  assert.ok(overlaps('10.197.0.0/24', '10.197.0.128/25'));
  assert.ok(overlaps('10.0.0.0/8', '10.197.0.0/24'));
  assert.ok(!overlaps('10.197.1.0/24', '10.197.0.0/24'));
  assert.ok(overlaps('10.197.0.5', '10.197.0.0/24'), 'a host route');
});

test('argv per role: the first server makes the cluster, the others join it through 9345', () => {
  const plan = planLab({ ...labDefaults, servers: 2, agents: 1, labDir: '/l' });
  const argv = (i: number) => {
    const node = plan.nodes[i];
    assert.ok(node);
    return nodeArgv({ rfo: '/r/bin/rfo', node, firstServerIp: '10.198.0.11', token: 'tok', runtimeDir: '/rt', resolvConf: `/l/${node.name}/resolv.conf` });
  };
  assert.deepEqual(argv(0), ['/r/bin/rfo', 'server', '--token', 'tok', '--node-ip', '10.198.0.11', '--node-name', 's1', '--run-dir', '/run/rfo-rfolab-s1', '--runtime-dir', '/rt', '--resolv-conf', '/l/s1/resolv.conf']);
  assert.deepEqual(argv(1).slice(0, 4), ['/r/bin/rfo', 'server', '--server', 'https://10.198.0.11:9345']);
  assert.deepEqual(argv(2).slice(0, 4), ['/r/bin/rfo', 'agent', '--server', 'https://10.198.0.11:9345']);
});

test('each node gets a kubelet drop-in with its own cgroup root and absolute eviction floors', () => {
  const plan = planLab({ ...labDefaults, servers: 1, agents: 1, labDir: '/l' });
  const roots = plan.nodes.map((n) => JSON.parse(renderKubeletDropin(n)) as { kind: string; cgroupRoot: string; cgroupsPerQOS: boolean; evictionHard: Record<string, string> });
  assert.deepEqual(roots.map((r) => r.cgroupRoot), ['/rfolab-s1', '/rfolab-a1']);
  assert.ok(roots.every((r) => r.kind === 'KubeletConfiguration' && r.cgroupsPerQOS));
  // the shared host disk: absolute eviction floors, not percentages of it
  assert.ok(roots.every((r) => r.evictionHard['nodefs.available'] === '1Gi' && r.evictionHard['imagefs.available'] === '1Gi'));
  // lexically after rfo's 00-rfo-defaults.conf, so kubelet merges it over the defaults
  assert.ok(kubeletDropinPath.endsWith('kubelet.conf.d/50-rfo-lab.conf') && '50-rfo-lab.conf' > '00-rfo-defaults.conf');
});

test('withRuntimeDir swaps the runtime of a node command line, or adds one', () => {
  assert.deepEqual(withRuntimeDir(['rfo', 'agent', '--runtime-dir', '/a', '--node-ip', '1'], '/b'), ['rfo', 'agent', '--runtime-dir', '/b', '--node-ip', '1']);
  assert.deepEqual(withRuntimeDir(['rfo', 'agent'], '/b'), ['rfo', 'agent', '--runtime-dir', '/b']);
});
