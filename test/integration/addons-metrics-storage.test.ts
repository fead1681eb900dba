// The packaged add-ons rfo-metrics-server and rfo-local-path on a real
// cluster (a lab: one server, one agent, air-gapped: images only from the
// runtime's archive and a preloaded test image). `kubectl top` shows numbers
// and an HPA reads CPU utilization through the aggregated metrics API, with
// kubelets verified against the kubelet CA; a PVC without a class binds on
// the default StorageClass local-path, data outlives its pod and lives under
// the node's own data dir; a HelmChartConfig changes a chart's values; and
// `disable:` removes both add-ons, leaving no object behind.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { labDown, labUp, startNode, stopNode } from '../../src/lab/lab.ts';
import { busyboxRef, writeBusyboxArchive } from './helpers/busybox-image.ts';
import { eventually, labHelpers } from './helpers/lab-cluster.ts';
import { findRuntime } from './helpers/runtime.ts';

let root = '';
const labDir = () => join(root, 'lab');
const { kubectl, kubectlOk, applyOk } = labHelpers(labDir);
const log = (l: string) => process.stderr.write(`${l}\n`);

before(async () => {
  root = await mkdtemp('/var/tmp/rfo-addons-ml-');
  await writeBusyboxArchive(join(root, 'busybox.tar.zst'));
  // This checkout's runtime (other builds may have made newer ones in the same cache).
  const runtime = await findRuntime();
  await labUp({ servers: 1, agents: 1, labDir: labDir(), subnet: '10.197.80.0/24', name: 'rfoml', runtimeDir: runtime.dir, images: [join(root, 'busybox.tar.zst')], log });
});

after(async () => {
  await labDown({ labDir: labDir() }).catch((err: unknown) => log(`lab down: ${String(err)}`));
  await rm(root, { recursive: true, force: true });
});

const ks = (...args: string[]) => kubectlOk('-n', 'kube-system', ...args);

test('both charts are installed by default: Deployments available, metrics API Available, local-path the default StorageClass', { timeout: 420_000 }, async () => {
  for (const chart of ['rfo-metrics-server', 'rfo-local-path']) {
    await eventually(`${chart} installed`, async () => (await kubectl('-n', 'kube-system', 'get', 'job', `helm-install-${chart}`, '-o', 'jsonpath={.status.succeeded}')).stdout.trim() === '1', 300_000, 2000);
  }
  await ks('rollout', 'status', 'deployment/metrics-server', '--timeout=180s');
  await ks('rollout', 'status', 'deployment/local-path-provisioner', '--timeout=180s');
  await eventually('v1beta1.metrics.k8s.io Available', async () => (await kubectlOk('get', 'apiservice', 'v1beta1.metrics.k8s.io', '-o', 'jsonpath={.status.conditions[?(@.type=="Available")].status}')).trim() === 'True', 120_000, 2000);
  const sc = JSON.parse(await kubectlOk('get', 'storageclass', 'local-path', '-o', 'json')) as { provisioner: string; metadata: { annotations: Record<string, string> } };
  assert.equal(sc.provisioner, 'rancher.io/local-path');
  assert.equal(sc.metadata.annotations['storageclass.kubernetes.io/is-default-class'], 'true');
  // kubelets are verified with the kubelet CA, not skipped
  const args = await ks('get', 'deployment', 'metrics-server', '-o', 'jsonpath={.spec.template.spec.containers[0].args}');
  assert.match(args, /--kubelet-certificate-authority=/);
  assert.doesNotMatch(args, /insecure/);
});

/** `kubectl top` rows by name (namespace/name with -A): [NAMESPACE] NAME CPU(cores) [CPU%] MEMORY(bytes) [MEMORY%]. */
function topRows(out: string): Map<string, { cpu: string; memory: string }> {
  const [header = '', ...lines] = out.trim().split('\n');
  const namespaced = header.startsWith('NAMESPACE');
  const rows = new Map<string, { cpu: string; memory: string }>();
  for (const line of lines) {
    const cols = line.trim().split(/\s+/);
    const cpu = cols.find((c) => /^\d+m$/.test(c));
    const memory = cols.find((c) => /^\d+Mi$/.test(c));
    const name = namespaced ? `${cols[0]}/${cols[1]}` : cols[0];
    if (name && cpu && memory) rows.set(name, { cpu, memory });
  }
  return rows;
}

test('kubectl top nodes and kubectl top pods -A show numbers for every node and the add-ons', { timeout: 300_000 }, async () => {
  let nodes = new Map<string, { cpu: string; memory: string }>();
  const waited = await eventually(
    'kubectl top nodes to show both nodes',
    async () => {
      const r = await kubectl('top', 'nodes');
      nodes = topRows(r.stdout);
      return r.code === 0 && nodes.has('s1') && nodes.has('a1');
    },
    240_000,
    5000,
  );
  log(`kubectl top nodes answered after ${(waited / 1000).toFixed(0)} s: ${JSON.stringify(Object.fromEntries(nodes))}`);
  let pods = new Map<string, { cpu: string; memory: string }>();
  await eventually(
    'kubectl top pods -A to list the add-ons',
    async () => {
      const r = await kubectl('top', 'pods', '-A');
      pods = topRows(r.stdout);
      return r.code === 0 && [...pods.keys()].some((k) => k.startsWith('kube-system/metrics-server-')) && [...pods.keys()].some((k) => k.startsWith('kube-system/local-path-provisioner-'));
    },
    180_000,
    5000,
  );
  for (const [name, m] of pods) if (/metrics-server|local-path|coredns/.test(name)) log(`idle ${name}: cpu ${m.cpu}, memory ${m.memory}`);
  assert.ok([...pods.keys()].some((k) => k.startsWith('kube-system/coredns-')), 'pods on every node are measured');
});

test('an HPA on a busy Deployment reports its current CPU utilization', { timeout: 300_000 }, async () => {
  await applyOk(`
apiVersion: apps/v1
kind: Deployment
metadata: {name: burn}
spec:
  replicas: 1
  selector: {matchLabels: {app: burn}}
  template:
    metadata: {labels: {app: burn}}
    spec:
      containers:
      - name: burn
        image: ${busyboxRef}
        imagePullPolicy: Never
        command: [sh, -c, 'while true; do :; done']
        # bounded: the host's 2 cores are shared
        resources: {requests: {cpu: 50m}, limits: {cpu: 100m}}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: burn}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: burn}
  minReplicas: 1
  maxReplicas: 2
  metrics:
  - type: Resource
    resource: {name: cpu, target: {type: Utilization, averageUtilization: 80}}
`);
  try {
    let utilization = '';
    await eventually(
      'the HPA to report current CPU utilization',
      async () => {
        utilization = (await kubectlOk('get', 'hpa', 'burn', '-o', 'jsonpath={.status.currentMetrics[0].resource.current.averageUtilization}')).trim();
        return /^\d+$/.test(utilization) && Number(utilization) > 0;
      },
      240_000,
      5000,
    );
    log(`HPA burn: current CPU utilization ${utilization}% of the 50m request`);
    const conditions = await kubectlOk('get', 'hpa', 'burn', '-o', 'jsonpath={.status.conditions[?(@.type=="ScalingActive")].status}');
    assert.equal(conditions.trim(), 'True');
  } finally {
    await kubectl('delete', 'hpa,deployment', 'burn', '--wait=false');
  }
});

const writer = `
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: data}
spec:
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 16Mi}}
---
apiVersion: v1
kind: Pod
metadata: {name: writer}
spec:
  nodeSelector: {kubernetes.io/hostname: a1}
  restartPolicy: Never
  containers:
  - name: w
    image: ${busyboxRef}
    imagePullPolicy: Never
    command: [sh, -c, 'echo written-by-writer > /data/file']
    volumeMounts: [{name: data, mountPath: /data}]
  volumes: [{name: data, persistentVolumeClaim: {claimName: data}}]
`;

const reader = `
apiVersion: v1
kind: Pod
metadata: {name: reader}
spec:
  restartPolicy: Never
  containers:
  - name: r
    image: ${busyboxRef}
    imagePullPolicy: Never
    command: [sh, -c, 'cat /data/file']
    volumeMounts: [{name: data, mountPath: /data}]
  volumes: [{name: data, persistentVolumeClaim: {claimName: data}}]
`;

const phaseOf = async (pod: string) => (await kubectl('get', 'pod', pod, '-o', 'jsonpath={.status.phase}')).stdout;
/** The node's own /var/lib/rancher/rfo/storage, as the host sees it (the lab binds <lab>/<node>/var-lib-rancher there). */
const storageOf = (node: string) => join(labDir(), node, 'var-lib-rancher', 'rfo', 'storage');

test('a PVC without a class binds on local-path; a new pod reads what a deleted pod wrote, from the node\'s own storage dir', { timeout: 300_000 }, async () => {
  await applyOk(writer);
  await eventually('the writer to finish', async () => ['Succeeded', 'Failed'].includes(await phaseOf('writer')), 180_000, 2000);
  assert.equal(await phaseOf('writer'), 'Succeeded', await kubectlOk('describe', 'pod', 'writer'));
  const pvc = JSON.parse(await kubectlOk('get', 'pvc', 'data', '-o', 'json')) as { spec: { storageClassName: string; volumeName: string }; status: { phase: string } };
  assert.equal(pvc.status.phase, 'Bound');
  assert.equal(pvc.spec.storageClassName, 'local-path', 'the default StorageClass');
  // The volume is a directory under a1's storage path; s1 has none.
  const dirs = await readdir(storageOf('a1'));
  const volumeDir = dirs.find((d) => d.startsWith(`${pvc.spec.volumeName}_default_data`));
  assert.ok(volumeDir, `no volume dir in ${storageOf('a1')}: ${dirs.join(', ')}`);
  assert.ok(!existsSync(join(storageOf('s1'), volumeDir)), 'volumes are per node');

  await kubectlOk('delete', 'pod', 'writer');
  await applyOk(reader);
  await eventually('the reader to finish', async () => ['Succeeded', 'Failed'].includes(await phaseOf('reader')), 180_000, 2000);
  assert.equal((await kubectlOk('logs', 'reader')).trim(), 'written-by-writer');
  assert.equal((await kubectlOk('get', 'pod', 'reader', '-o', 'jsonpath={.spec.nodeName}')).trim(), 'a1', "the PV's node affinity brings the pod back to a1");

  // Deleting the claim deletes the volume and its directory (the teardown helper pod).
  await kubectlOk('delete', 'pod', 'reader');
  await kubectlOk('delete', 'pvc', 'data');
  await eventually('the PV and its directory gone', async () => {
    const pv = await kubectl('get', 'pv', pvc.spec.volumeName, '--ignore-not-found', '-o', 'name');
    return pv.stdout.trim() === '' && !existsSync(join(storageOf('a1'), volumeDir));
  }, 120_000, 2000);
});

test('a HelmChartConfig changes rfo-metrics-server\'s values (metric resolution)', { timeout: 300_000 }, async () => {
  await applyOk(`
apiVersion: helm.cattle.io/v1
kind: HelmChartConfig
metadata: {name: rfo-metrics-server, namespace: kube-system}
spec:
  valuesContent: |
    metricResolution: 20s
`);
  await eventually('metrics-server to run with --metric-resolution=20s', async () => (await ks('get', 'deployment', 'metrics-server', '-o', 'jsonpath={.spec.template.spec.containers[0].args}')).includes('--metric-resolution=20s'), 240_000, 2000);
  await ks('rollout', 'status', 'deployment/metrics-server', '--timeout=180s');
  await kubectlOk('-n', 'kube-system', 'delete', 'helmchartconfig', 'rfo-metrics-server');
});

/** Every object of these kinds whose name belongs to the two add-ons. */
const sweepKinds = 'deployments,replicasets,pods,services,endpointslices,configmaps,secrets,serviceaccounts,roles,rolebindings,clusterroles,clusterrolebindings,apiservices,storageclasses,persistentvolumes,persistentvolumeclaims,jobs,leases,helmcharts,helmchartconfigs,addons';
const addonObject = /metrics-server|metrics\.k8s\.io|aggregated-metrics-reader|local-path/;

test('disable: [rfo-metrics-server, rfo-local-path] on restart uninstalls both and leaves no object behind', { timeout: 600_000 }, async () => {
  const before = (await kubectlOk('get', sweepKinds, '-A', '-o', 'name')).split('\n').filter((l) => addonObject.test(l));
  for (const kind of ['apiservice.apiregistration.k8s.io/v1beta1.metrics.k8s.io', 'storageclass.storage.k8s.io/local-path', 'clusterrole.rbac.authorization.k8s.io/system:aggregated-metrics-reader', 'helmchart.helm.cattle.io/rfo-local-path']) {
    assert.ok(before.includes(kind), `${kind} before disabling: ${before.join(', ')}`);
  }
  const configDir = join(labDir(), 's1', 'etc-rancher', 'rfo');
  await mkdir(configDir, { recursive: true });
  await writeFile(join(configDir, 'config.yaml'), 'disable:\n  - rfo-metrics-server\n  - rfo-local-path\n');
  await stopNode('s1', { labDir: labDir(), log });
  await startNode('s1', { labDir: labDir(), log });
  let left: string[] = [];
  const waited = await eventually(
    'every object of the two add-ons gone',
    async () => {
      const r = await kubectl('get', sweepKinds, '-A', '-o', 'name');
      left = r.stdout.split('\n').filter((l) => addonObject.test(l));
      return r.code === 0 && left.length === 0;
    },
    300_000,
    3000,
  ).catch((err: unknown) => {
    throw new Error(`${String(err)}; left: ${left.join(', ')}`);
  });
  log(`both add-ons removed ${(waited / 1000).toFixed(0)} s after s1 was ready again`);
  // Helm's record of the releases is gone too, and the metrics API with them; CoreDNS stays.
  const releases = await ks('get', 'secrets', '-l', 'owner=helm', '-o', 'name');
  assert.doesNotMatch(releases, /rfo-metrics-server|rfo-local-path/);
  assert.match(releases, /sh\.helm\.release\.v1\.rfo-coredns\./);
  const top = await kubectl('top', 'nodes');
  assert.notEqual(top.code, 0);
  assert.match(top.stderr, /Metrics API not available/);
  assert.match(await ks('get', 'deployment', 'coredns', '-o', 'name'), /deployment\.apps\/coredns/);
});
