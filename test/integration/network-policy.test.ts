// End to end: NetworkPolicy is enforced on flannel by the packaged add-on
// rfo-network-policy (kube-router's policy controller), in a lab of one
// server and two agents, air-gapped (every image from the runtime's archive
// or preloaded). A web pod on a1 serves two ports; a client on a2 reaches
// them across nodes over VXLAN. A default-deny ingress policy blocks it
// (measured: policy created → first blocked connection), an allow rule opens
// exactly its port, deleting the policies restores traffic, and
// `disable: [rfo-network-policy]` (server restart) uninstalls the add-on and
// leaves no kube-router chains or ipsets on any node.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { labDown, labExec, labUp, startNode, stopNode } from '../../src/lab/lab.ts';
import { busyboxRef, writeBusyboxArchive } from './helpers/busybox-image.ts';
import { eventually, labHelpers } from './helpers/lab-cluster.ts';
import { findRuntime } from './helpers/runtime.ts';

let root = '';
const labDir = () => join(root, 'lab');
const { kubectl, kubectlOk, applyOk, nodeReady } = labHelpers(labDir);
const log = (l: string) => process.stderr.write(`${l}\n`);
const nodes = ['s1', 'a1', 'a2'];

before(async () => {
  root = await mkdtemp('/var/tmp/rfo-netpol-');
  await writeBusyboxArchive(join(root, 'busybox.tar.zst'));
  // This checkout's runtime (the one with the kube-router image), not whichever was built last.
  const runtime = await findRuntime();
  await labUp({ servers: 1, agents: 2, labDir: labDir(), subnet: '10.197.81.0/24', name: 'rfonp', runtimeDir: runtime.dir, images: [join(root, 'busybox.tar.zst')], log });
});

after(async () => {
  await labDown({ labDir: labDir() }).catch((err: unknown) => process.stderr.write(`lab down: ${String(err)}\n`));
  await rm(root, { recursive: true, force: true });
});

const uptime = async () => Number((await readFile('/proc/uptime', 'utf8')).split(' ')[0]);

/** kube-router's rules and ipsets on a lab node (iptables-save, ipset list -n in its network namespace). */
async function policyState(node: string): Promise<{ chains: string[]; ipsets: string[] }> {
  const save = await labExec(node, ['iptables-save', '-t', 'filter'], { labDir: labDir() });
  assert.equal(save.code, 0, save.stderr);
  const sets = await labExec(node, ['ipset', 'list', '-n'], { labDir: labDir() });
  assert.equal(sets.code, 0, sets.stderr);
  return {
    chains: save.stdout.split('\n').filter((l) => /^:KUBE-(ROUTER|NWPLCY|POD-FW)/.test(l)),
    ipsets: sets.stdout.split('\n').filter((n) => /^(inet6:)?KUBE-(SRC|DST)-/.test(n)),
  };
}

/** Resident and proportional memory of the kube-router process of a node's pod. */
async function kubeRouterMemory(node: string): Promise<{ rssKiB: number; pssKiB: number }> {
  for (const pid of (await readdir('/proc')).filter((p) => /^\d+$/.test(p))) {
    const cmd = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (!cmd.startsWith('/usr/bin/kube-router\0') || !cmd.includes(`--hostname-override=${node}\0`)) continue;
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const rollup = await readFile(`/proc/${pid}/smaps_rollup`, 'utf8');
    return { rssKiB: Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]), pssKiB: Number(/^Pss:\s+(\d+)/m.exec(rollup)?.[1]) };
  }
  throw new Error(`no kube-router process for ${node}`);
}

test('rfo-network-policy runs on every node, servers included, from the runtime image', { timeout: 300_000 }, async () => {
  for (const n of nodes) assert.equal(await nodeReady(n), 'True', n);
  await eventually(
    'the rfo-network-policy DaemonSet ready on 3 nodes',
    async () => (await kubectl('-n', 'kube-system', 'get', 'ds', 'rfo-network-policy', '-o', 'jsonpath={.status.numberReady}')).stdout === '3',
    240_000,
    1000,
  );
  const pods = JSON.parse(await kubectlOk('-n', 'kube-system', 'get', 'pods', '-l', 'app.kubernetes.io/name=rfo-network-policy', '-o', 'json')) as {
    items: { spec: { nodeName: string; hostNetwork: boolean; containers: { image: string; imagePullPolicy: string }[] } }[];
  };
  assert.deepEqual(pods.items.map((p) => p.spec.nodeName).sort(), [...nodes].sort());
  for (const p of pods.items) {
    assert.equal(p.spec.hostNetwork, true);
    assert.match(p.spec.containers[0]?.image ?? '', /^docker\.io\/rfo\/kube-router:v/);
  }
  // Its base chains are in place on each node before any policy exists. Ready
  // comes first: kube-router's health check counts a controller alive from its
  // start, before its first sync writes the chains (one CI run, under load,
  // read a1's table in between), so each node gets a minute for that sync.
  for (const n of nodes) {
    let chains: string[] = [];
    await eventually(`${n}: kube-router's base chains`, async () => (chains = (await policyState(n)).chains).some((c) => c.startsWith(':KUBE-ROUTER-FORWARD')), 60_000, 1000).catch((err: unknown) => {
      throw new Error(`${n}: no :KUBE-ROUTER-FORWARD among [${chains.join(' ')}]: ${String(err)}`);
    });
  }
  await new Promise((r) => setTimeout(r, 20_000)); // idle
  for (const n of nodes) {
    const m = await kubeRouterMemory(n);
    log(`kube-router on ${n} idle: RSS ${(m.rssKiB / 1024).toFixed(1)} MiB, PSS ${(m.pssKiB / 1024).toFixed(1)} MiB`);
    assert.ok(m.rssKiB < 256 * 1024, 'within the chart memory limit');
  }
});

const web = `
apiVersion: v1
kind: Namespace
metadata: {name: np}
---
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: np, labels: {app: web}}
spec:
  nodeName: a1
  containers:
  - name: web
    image: ${busyboxRef}
    imagePullPolicy: Never
    command: [sh, -c, 'mkdir -p /www && echo web > /www/index.html && httpd -p 9090 -h /www && exec httpd -f -p 8080 -h /www']
`;

const client = (webIp: string) => `
apiVersion: v1
kind: Pod
metadata: {name: client, namespace: np, labels: {role: client}}
spec:
  nodeName: a2
  containers:
  - name: c
    image: ${busyboxRef}
    imagePullPolicy: Never
    # Probes port 8080 every 0.2 s and logs "<host uptime at start> ok|fail": the enforcement latency, measured in the pod.
    # (busybox's own timeout: its wget -T crashes in this build)
    command: [sh, -c, 'mkdir -p /tmp; while true; do read s _ < /proc/uptime; if busybox timeout 1 wget -qO /dev/null http://${webIp}:8080; then r=ok; else r=fail; fi; echo "$s $r" >> /tmp/probe.log; sleep 0.2; done']
`;

let webIp = '';

/** One connection from the client (a2) to the web pod (a1) on a port: true when it got the page. */
async function reaches(port: number): Promise<boolean> {
  const r = await kubectl('-n', 'np', 'exec', 'client', '--', 'busybox', 'timeout', '2', 'wget', '-qO-', `http://${webIp}:${port}`);
  return r.code === 0 && r.stdout.trim() === 'web';
}

async function probeLog(): Promise<{ at: number; ok: boolean }[]> {
  const text = await kubectlOk('-n', 'np', 'exec', 'client', '--', 'cat', '/tmp/probe.log');
  return text
    .trim()
    .split('\n')
    .map((l) => l.split(' '))
    .map(([at, r]) => ({ at: Number(at), ok: r === 'ok' }));
}

const denyAll = `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: default-deny, namespace: np}
spec:
  podSelector: {}
  policyTypes: [Ingress]
`;

const allow8080 = `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: allow-client-8080, namespace: np}
spec:
  podSelector: {matchLabels: {app: web}}
  policyTypes: [Ingress]
  ingress:
  - from: [{podSelector: {matchLabels: {role: client}}}]
    ports: [{protocol: TCP, port: 8080}]
`;

test('without a policy a pod on a2 reaches both ports of a pod on a1', { timeout: 300_000 }, async () => {
  await applyOk(web);
  await kubectlOk('-n', 'np', 'wait', '--for=condition=Ready', 'pod/web', '--timeout=120s');
  webIp = (await kubectlOk('-n', 'np', 'get', 'pod', 'web', '-o', 'jsonpath={.status.podIP}')).trim();
  assert.match(webIp, /^10\.42\./);
  await applyOk(client(webIp));
  await kubectlOk('-n', 'np', 'wait', '--for=condition=Ready', 'pod/client', '--timeout=120s');
  assert.ok(await reaches(8080), '8080 before any policy');
  assert.ok(await reaches(9090), '9090 before any policy');
  await eventually('the probe loop to succeed', async () => (await probeLog()).some((p) => p.ok), 30_000, 500);
});

test('a default-deny ingress policy blocks pod-to-pod traffic across nodes', { timeout: 120_000 }, async () => {
  const t0 = await uptime();
  await applyOk(denyAll);
  await eventually('8080 blocked', async () => !(await reaches(8080)), 60_000, 200);
  assert.equal(await reaches(9090), false, '9090 blocked too');
  // Enforcement latency, from the probe loop in the pod: policy created → the first connection that failed.
  await new Promise((r) => setTimeout(r, 3000));
  const probes = await probeLog();
  const firstFail = probes.find((p) => p.at >= t0 && !p.ok);
  assert.ok(firstFail, 'the probe loop saw the block');
  const lastOk = probes.filter((p) => p.at >= t0 && p.ok && p.at < firstFail.at).at(-1);
  log(`enforcement latency: first blocked connection started ${(firstFail.at - t0).toFixed(2)} s after the policy was created (last one through at ${lastOk ? (lastOk.at - t0).toFixed(2) : '-'} s)`);
  assert.ok(probes.filter((p) => p.at > firstFail.at + 0.5).every((p) => !p.ok), 'blocked from then on');
  // the rules and ipsets that do it are on the destination node
  const a1 = await policyState('a1');
  assert.ok(a1.chains.some((c) => c.startsWith(':KUBE-POD-FW-')), a1.chains.join(' '));
  assert.ok(a1.ipsets.length > 0 || a1.chains.some((c) => c.startsWith(':KUBE-NWPLCY-')), 'policy chains');
});

test('a policy pod that restarts keeps its node\'s rules: traffic stays blocked throughout', { timeout: 180_000 }, async () => {
  const pod = (await kubectlOk('-n', 'kube-system', 'get', 'pods', '-l', 'app.kubernetes.io/name=rfo-network-policy', '--field-selector', 'spec.nodeName=a1', '-o', 'name')).trim();
  assert.match(pod, /^pod\//);
  const t0 = await uptime();
  await kubectlOk('-n', 'kube-system', 'delete', pod, '--wait=true');
  await eventually('a new policy pod ready on a1', async () => {
    const r = await kubectl('-n', 'kube-system', 'get', 'pods', '-l', 'app.kubernetes.io/name=rfo-network-policy', '--field-selector', 'spec.nodeName=a1', '-o', 'jsonpath={.items[*].status.containerStatuses[0].ready}');
    return r.stdout.trim() === 'true';
  }, 120_000, 500);
  await new Promise((r) => setTimeout(r, 2000));
  const leaked = (await probeLog()).filter((p) => p.at >= t0 && p.ok);
  assert.deepEqual(leaked, [], 'no connection got through while the pod restarted');
  assert.ok((await policyState('a1')).chains.some((c) => c.startsWith(':KUBE-POD-FW-')));
});

test('an allow rule opens exactly the allowed port; another port stays blocked', { timeout: 120_000 }, async () => {
  await applyOk(allow8080);
  await eventually('8080 open for the client', () => reaches(8080), 60_000, 200);
  assert.equal(await reaches(9090), false, '9090 stays blocked');
  const a1 = await policyState('a1');
  assert.ok(a1.ipsets.length > 0, `the allow rule's ipsets on a1: ${a1.ipsets.join(' ')}`);
  // A pod without the client label on the same node is still refused on 8080.
  await kubectlOk('-n', 'np', 'run', 'stranger', `--image=${busyboxRef}`, '--image-pull-policy=Never', '--restart=Never', '--overrides={"spec":{"nodeName":"a2"}}', '--', 'busybox', 'timeout', '2', 'wget', '-qO-', `http://${webIp}:8080`);
  await eventually('stranger to finish', async () => ['Succeeded', 'Failed'].includes((await kubectl('-n', 'np', 'get', 'pod', 'stranger', '-o', 'jsonpath={.status.phase}')).stdout), 60_000, 500);
  assert.equal((await kubectlOk('-n', 'np', 'get', 'pod', 'stranger', '-o', 'jsonpath={.status.phase}')).trim(), 'Failed', 'a pod the rule does not select');
});

test('deleting the policies restores traffic on both ports', { timeout: 120_000 }, async () => {
  await kubectlOk('-n', 'np', 'delete', 'networkpolicy', 'default-deny', 'allow-client-8080');
  await eventually('9090 open again', () => reaches(9090), 60_000, 200);
  assert.ok(await reaches(8080));
  await eventually('no policy ipsets left on a1', async () => (await policyState('a1')).ipsets.length === 0, 60_000, 1000);
});

test('a HelmChartConfig customises the add-on (extra kube-router flags, resources)', { timeout: 300_000 }, async () => {
  await applyOk(`
apiVersion: helm.cattle.io/v1
kind: HelmChartConfig
metadata: {name: rfo-network-policy, namespace: kube-system}
spec:
  valuesContent: |
    extraArgs: ["--v=2"]
    resources: {requests: {cpu: 20m, memory: 48Mi}, limits: {memory: 200Mi}}
`);
  await eventually('the DaemonSet rolled out with the new values', async () => {
    const ds = JSON.parse((await kubectl('-n', 'kube-system', 'get', 'ds', 'rfo-network-policy', '-o', 'json')).stdout || '{}') as {
      spec?: { template: { spec: { containers: { args: string[]; resources: { limits?: { memory?: string } } }[] } } };
      status?: { updatedNumberScheduled?: number; numberReady?: number };
    };
    const c = ds.spec?.template.spec.containers[0];
    return c?.args.includes('--v=2') === true && c.resources.limits?.memory === '200Mi' && ds.status?.updatedNumberScheduled === 3 && ds.status.numberReady === 3;
  }, 240_000, 2000);
});

test('disable: [rfo-network-policy] (server restart) uninstalls the add-on and leaves no rules or ipsets on the nodes', { timeout: 600_000 }, async () => {
  // a policy in force when the add-on goes: its rules must go too, and traffic flow again
  await applyOk(denyAll);
  await eventually('8080 blocked again', async () => !(await reaches(8080)), 60_000, 200);
  for (const n of ['a1', 'a2']) assert.ok((await policyState(n)).chains.length > 0, `${n} has kube-router chains before`);

  const configDir = join(labDir(), 's1', 'etc-rancher', 'rfo');
  await mkdir(configDir, { recursive: true });
  const configFile = join(configDir, 'config.yaml');
  const old = await readFile(configFile, 'utf8').catch(() => '');
  await writeFile(configFile, `${old}\ndisable: [rfo-network-policy]\n`);
  await stopNode('s1', { labDir: labDir(), log });
  await startNode('s1', { labDir: labDir(), log });

  await eventually('the HelmChart gone', async () => (await kubectl('-n', 'kube-system', 'get', 'helmchart', 'rfo-network-policy')).code !== 0, 120_000, 1000);
  await eventually('the DaemonSet and its pods gone', async () => {
    const ds = await kubectl('-n', 'kube-system', 'get', 'ds', 'rfo-network-policy');
    const pods = await kubectlOk('-n', 'kube-system', 'get', 'pods', '-l', 'app.kubernetes.io/name=rfo-network-policy', '-o', 'name');
    return ds.code !== 0 && pods.trim() === '';
  }, 180_000, 1000);
  for (const [kind, ns] of [['serviceaccount', 'kube-system'], ['role', 'kube-system'], ['rolebinding', 'kube-system'], ['clusterrole', ''], ['clusterrolebinding', '']] as const) {
    const r = await kubectl(...(ns ? ['-n', ns] : []), 'get', kind, 'rfo-network-policy');
    assert.notEqual(r.code, 0, `${kind} rfo-network-policy still exists`);
  }
  assert.equal((await kubectl('-n', 'kube-system', 'get', 'secret', '-l', 'name=rfo-network-policy,owner=helm', '-o', 'name')).stdout.trim(), '', 'the helm release is gone');
  for (const n of nodes) {
    const state = await policyState(n);
    assert.deepEqual(state, { chains: [], ipsets: [] }, `${n}: kube-router left ${JSON.stringify(state)}`);
  }
  // the NetworkPolicy object stays (it is the user's), but nothing enforces it any more
  assert.ok(await reaches(8080), 'traffic flows with the add-on gone');
  assert.equal((await kubectlOk('-n', 'np', 'get', 'networkpolicy', '-o', 'name')).trim(), 'networkpolicy.networking.k8s.io/default-deny');
});
