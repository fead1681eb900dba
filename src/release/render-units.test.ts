import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderUnit, timeoutStopSec } from './render-units.ts';
import { planApiserver, planControllerManager, planEtcd, planHelmController, planScheduler } from '../components/plan-control-plane.ts';
import { planContainerd, planFlannel, planKubelet, planKubeProxy } from '../components/plan-node.ts';
import { worstCaseStopMs } from '../supervisor/supervisor.ts';
import { run } from '../util/exec.ts';

test('units follow RKE2: notify, process kill mode, delegation, restart always, env files', () => {
  const unit = renderUnit('server');
  for (const line of ['Type=notify', 'KillMode=process', 'Delegate=yes', 'Restart=always', 'LimitNOFILE=1048576', 'EnvironmentFile=-/etc/default/%N', 'EnvironmentFile=-/etc/sysconfig/%N', 'ExecStart=/usr/local/bin/rfo server', 'Conflicts=rfo-agent.service', 'ExecStartPre=-/sbin/modprobe br_netfilter']) {
    assert.ok(unit.split('\n').includes(line), line);
  }
  assert.ok(renderUnit('agent', '/opt/rfo').includes('ExecStart=/opt/rfo/bin/rfo agent'));
});

test('systemd-analyze verify accepts both units', async () => {
  const root = await mkdtemp(join(tmpdir(), 'rfo-units-'));
  try {
    await mkdir(join(root, 'bin'));
    await writeFile(join(root, 'bin', 'rfo'), '#!/bin/sh\n');
    await chmod(join(root, 'bin', 'rfo'), 0o755);
    for (const role of ['server', 'agent'] as const) {
      const path = join(root, `rfo-${role}.service`);
      await writeFile(path, renderUnit(role, root));
      const r = await run({ cmd: 'systemd-analyze', args: ['verify', path] });
      const problems = (r.stderr + r.stdout).split('\n').filter((l) => l.includes(`rfo-${role}.service`));
      assert.deepEqual(problems, [], `systemd-analyze found problems:\n${r.stderr}`);
    }
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test("TimeoutStopSec covers rfo's worst-case stop, derived from the real component specs", () => {
  const cp = {
    binDir: '/b', tlsDir: '/t', credDir: '/c', etcdDataDir: '/e', etcdTiming: 'cluster' as const, logsDir: '/l', nodeName: 'n', nodeIp: '10.0.0.1', advertiseAddress: '10.0.0.1', bindAddress: '0.0.0.0',
    httpsPort: 6443, etcdClientPort: 2379, etcdPeerPort: 2380, clusterCidr: '10.42.0.0/16', serviceCidr: '10.43.0.0/16', serviceNodePortRange: '30000-32767', clusterDomain: 'cluster.local',
    extraArgs: { etcd: [], 'kube-apiserver': [], 'kube-controller-manager': [], 'kube-scheduler': [], 'helm-controller': [] },
  };
  const node = {
    binDir: '/b', logsDir: '/l', nodeName: 'n', nodeIp: '10.0.0.1', containerdConfig: '/c', kubeletConfig: '/k/00.conf', kubeletKubeconfig: '/k', kubeProxyKubeconfig: '/p', flannelKubeconfig: '/f',
    kubeletRootDir: '/var/lib/kubelet', flannelNetConf: '/n', flannelSubnetFile: '/s', clusterCidr: '10.42.0.0/16', nodeLabels: [], nodeTaints: [], extraArgs: { kubelet: [], 'kube-proxy': [] },
  };
  // Everything a server runs (an agent runs a subset), stopped one after another.
  const specs = [planEtcd(cp), planApiserver(cp), planControllerManager(cp), planScheduler(cp), planHelmController(cp, 'job:1'), planContainerd(node), planKubelet(node), planKubeProxy(node), planFlannel(node)];
  const components = specs.reduce((sum, s) => sum + worstCaseStopMs(s), 0);
  // rfo's own part (timers, the supervisor API, the agent's load balancer) plus slack for a loaded host.
  const rfoOwnMs = 10_000;
  const unitMs = Number(/^TimeoutStopSec=(\d+)s$/m.exec(renderUnit('server'))?.[1]) * 1000;
  assert.equal(unitMs, timeoutStopSec * 1000);
  assert.ok(components + rfoOwnMs <= unitMs, `worst-case stop ${components + rfoOwnMs} ms exceeds TimeoutStopSec ${unitMs} ms: raise timeoutStopSec in render-units.ts`);
  assert.ok(components > 90_000, `the worst case (${components} ms) is above systemd's default 90 s, which is why the unit sets its own`);
  assert.match(renderUnit('agent'), /^TimeoutStopSec=150s$/m);
});
