// In-place upgrades across three minors, as RKE2's manual upgrade: a lab of
// one server and two agents starts on 1.35; the server goes to 1.36, then
// each agent (drained first, as an operator does); then everything to 1.37.
// A workload answers through its Service the whole time (the longest gap is
// reported), its objects survive, and `kubectl get nodes` shows each node's
// version as it goes. The skew refusals leave each node as it was.
//
// Not part of `npm test` (it needs the 1.35 and 1.37 runtimes, ~2 cold
// Kubernetes builds): `npm run test:upgrade` builds them (cached) and runs it.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { repoRoot } from '../../src/build/paths.ts';
import { labDown, labExec, labUp, upgradeNode } from '../../src/lab/lab.ts';
import { busyboxRef, writeBusyboxArchive } from '../integration/helpers/busybox-image.ts';
import { eventually, labHelpers } from '../integration/helpers/lab-cluster.ts';

let root = '';
const labDir = () => join(root, 'lab');
const { kubectl, kubectlOk, applyOk } = labHelpers(labDir);
const runtimes: Record<string, string> = {};
const log = (l: string) => process.stderr.write(`${l}\n`);

/** `npm run build:runtime -- --minor X`: cached after the first time; its last stdout line is the runtime dir. */
function runtimeFor(minor: string): string {
  const r = spawnSync(process.execPath, [join(repoRoot, 'scripts', 'build-runtime.ts'), '--minor', minor], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 24 });
  assert.equal(r.status, 0, `build:runtime --minor ${minor} failed`);
  return r.stdout.trim().split('\n').at(-1)?.replace(/\/$/, '') ?? '';
}

before(async () => {
  for (const m of ['1.35', '1.36', '1.37']) runtimes[m] = runtimeFor(m);
  root = await mkdtemp('/var/tmp/rfo-upgrade-');
  await writeBusyboxArchive(join(root, 'busybox.tar.zst'));
  await labUp({ servers: 1, agents: 2, labDir: labDir(), subnet: '10.197.85.0/24', name: 'rfoup', runtimeDir: runtimes['1.35'], images: [join(root, 'busybox.tar.zst')], log });
});

after(async () => {
  await labDown({ labDir: labDir() }).catch((err: unknown) => log(`lab down: ${String(err)}`));
  await rm(root, { recursive: true, force: true });
});

const versions = async () => JSON.parse(await kubectlOk('get', 'nodes', '-o', 'json')) as { items: { metadata: { name: string }; status: { nodeInfo: { kubeletVersion: string }; conditions: { type: string; status: string }[] } }[] };
async function nodeVersions(): Promise<Record<string, string>> {
  const v = await versions();
  return Object.fromEntries(v.items.map((n) => [n.metadata.name, `${n.status.nodeInfo.kubeletVersion} ${n.status.conditions.find((c) => c.type === 'Ready')?.status === 'True' ? 'Ready' : 'NotReady'}`]));
}
async function allReadyAt(want: Record<string, string>): Promise<void> {
  await eventually(`nodes at ${JSON.stringify(want)}`, async () => {
    const got = await nodeVersions();
    return Object.entries(want).every(([n, v]) => got[n] === `${v} Ready`);
  }, 180_000);
  log(`nodes: ${JSON.stringify(await nodeVersions())}`);
}

const workload = `
apiVersion: v1
kind: ConfigMap
metadata: {name: keep, namespace: default}
data: {colour: teal}
---
apiVersion: v1
kind: Secret
metadata: {name: keep, namespace: default}
stringData: {password: kept-across-three-minors}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: default}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      topologySpreadConstraints:
      - {maxSkew: 1, topologyKey: kubernetes.io/hostname, whenUnsatisfiable: DoNotSchedule, labelSelector: {matchLabels: {app: web}}}
      containers:
      - name: web
        image: ${busyboxRef}
        imagePullPolicy: Never
        command: [sh, -c, 'mkdir -p /www && echo ok > /www/index.html && exec httpd -f -p 8080 -h /www']
        readinessProbe: {httpGet: {path: /index.html, port: 8080}, periodSeconds: 1}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: default}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080}]
`;

/** Nodes being restarted: the probe asks from another node (a stopped node has no network namespace to ask from). */
const restarting = new Set<string>();

/** Requests to the Service every 250 ms from a node that is up (its kube-proxy rules); the longest run of failures. */
function probe(clusterIp: string) {
  let stop = false;
  let longestGapMs = 0;
  let failingSince: number | undefined;
  let ok = 0;
  let failed = 0;
  const done = (async () => {
    while (!stop) {
      const t = Date.now();
      const from = ['a2', 'a1', 's1'].find((n) => !restarting.has(n)) ?? 's1';
      const r = await labExec(from, ['busybox', 'timeout', '2', 'busybox', 'wget', '-q', '-O', '-', `http://${clusterIp}/index.html`], { labDir: labDir() }).catch(() => ({ code: 1, stdout: '' }));
      if (r.code === 0 && r.stdout.trim() === 'ok') {
        ok++;
        if (failingSince !== undefined) longestGapMs = Math.max(longestGapMs, Date.now() - failingSince);
        failingSince = undefined;
      } else {
        failed++;
        failingSince ??= t;
      }
      await new Promise((res) => setTimeout(res, 250));
    }
  })();
  return {
    async end() {
      stop = true;
      await done;
      if (failingSince !== undefined) longestGapMs = Math.max(longestGapMs, Date.now() - failingSince);
      return { ok, failed, longestGapMs };
    },
  };
}

async function upgradeServer(name: string, minor: string): Promise<void> {
  restarting.add(name);
  try {
    await upgradeNode(name, runtimes[minor] ?? '', { labDir: labDir(), log });
  } finally {
    restarting.delete(name);
  }
}

/** The operator's agent upgrade: drain, install the newer release (runtime) and restart, uncordon. */
async function upgradeAgent(name: string, minor: string): Promise<void> {
  await kubectlOk('drain', name, '--ignore-daemonsets', '--delete-emptydir-data', '--timeout=120s');
  await upgradeServer(name, minor);
  await kubectlOk('uncordon', name);
  await rolledOut();
}

/** The Deployment is complete again; on a timeout the pods and their events say why. */
async function rolledOut(): Promise<void> {
  const r = await kubectl('rollout', 'status', 'deployment/web', '--timeout=180s');
  if (r.code === 0) return;
  const why = await kubectl('describe', 'pods', '-l', 'app=web');
  assert.fail(`rollout: ${r.stderr}\n${why.stdout.slice(-6000)}`);
}

async function refusedStart(node: string, minor: string, back: string, pattern: RegExp): Promise<void> {
  const versionsFile = node.startsWith('s') ? '/var/lib/rancher/rfo/server/db/versions.json' : '/var/lib/rancher/rfo/agent/versions.json';
  const before = (await labExec(node, ['cat', versionsFile], { labDir: labDir() })).stdout;
  await assert.rejects(upgradeNode(node, runtimes[minor] ?? '', { labDir: labDir(), log, readyTimeoutMs: 120_000 }));
  const rfoLog = await readFile(join(labDir(), node, 'rfo.log'), 'utf8').catch(() => '');
  assert.match(rfoLog.slice(-4000), pattern);
  // As it was: the record untouched, and it comes back on the runtime it ran.
  await upgradeNode(node, runtimes[back] ?? '', { labDir: labDir(), log });
  assert.equal((await labExec(node, ['cat', versionsFile], { labDir: labDir() })).stdout, before);
}

let gap = 0;
let answered = 0;

test('1.35 → 1.36 → 1.37 in place: the workload keeps answering, nothing is lost, refusals leave nodes as they were', { timeout: 3_600_000 }, async () => {
  await allReadyAt({ s1: 'v1.35.4', a1: 'v1.35.4', a2: 'v1.35.4' });
  await applyOk(workload);
  await rolledOut();
  const clusterIp = (await kubectlOk('get', 'svc', 'web', '-o', 'jsonpath={.spec.clusterIP}')).trim();

  // Refusals first, each leaving the node as it was.
  await refusedStart('a1', '1.36', '1.35', /RFO_VERSION_SKEW.*newer than the server's v1\.35\.4/);
  await refusedStart('s1', '1.37', '1.35', /RFO_VERSION_SKEW.*2 minors newer than v1\.35\.4/);
  await allReadyAt({ s1: 'v1.35.4', a1: 'v1.35.4', a2: 'v1.35.4' });

  const p = probe(clusterIp);
  try {
    for (const [minor, version] of [['1.36', 'v1.36.3'], ['1.37', 'v1.37.2']] as const) {
      const was = minor === '1.36' ? 'v1.35.4' : 'v1.36.3';
      await upgradeServer('s1', minor);
      await allReadyAt({ s1: version, a1: was, a2: was });
      await upgradeAgent('a1', minor);
      await allReadyAt({ s1: version, a1: version, a2: was });
      await upgradeAgent('a2', minor);
      await allReadyAt({ s1: version, a1: version, a2: version });
    }
  } finally {
    // A failed step must not leave the probe asking a lab that is gone.
    const r = await p.end();
    log(`service probe during the upgrades: ${r.ok} answered, ${r.failed} failed, longest gap ${r.longestGapMs} ms`);
    gap = r.longestGapMs;
    answered = r.ok;
  }

  // Nothing lost.
  assert.equal((await kubectlOk('get', 'configmap', 'keep', '-o', 'jsonpath={.data.colour}')).trim(), 'teal');
  assert.equal(Buffer.from((await kubectlOk('get', 'secret', 'keep', '-o', 'jsonpath={.data.password}')).trim(), 'base64').toString(), 'kept-across-three-minors');
  assert.equal((await kubectlOk('get', 'deployment', 'web', '-o', 'jsonpath={.status.readyReplicas}')).trim(), '3');

  // etcd now holds 3.7 data: going back to 1.36 is refused, and s1 comes back on 1.37.
  await refusedStart('s1', '1.36', '1.37', /RFO_VERSION_SKEW.*a downgrade/);
  await allReadyAt({ s1: 'v1.37.2', a1: 'v1.37.2', a2: 'v1.37.2' });
  // The probe worked (it answered before and after each restart), and no outage lasted long.
  assert.ok(answered > 100, `only ${answered} answers`);
  assert.ok(gap < 30_000, `the Service was unreachable for ${gap} ms at once`);
});
