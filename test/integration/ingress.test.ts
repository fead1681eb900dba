// End to end, air-gapped, on a lab of one server and one agent: the packaged
// ingress. rfo-gateway-api-crds and rfo-traefik are installed by default (the
// CRDs first); an Ingress with a host rule and an HTTPRoute on the default
// Gateway both reach a busybox httpd Deployment through port 80 of each node,
// from the host, with a Host header; `ingress-controller: ingress-nginx` is
// refused before anything is written; `disable: [rfo-traefik]` uninstalls
// Traefik and leaves no object of it (the Gateway API CRDs stay).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { repoRoot } from '../../src/build/paths.ts';
import { run } from '../../src/util/exec.ts';
import { killNodeRfo, labDown, labUp, restartNodeRfo } from '../../src/lab/lab.ts';
import { busyboxRef, writeBusyboxArchive } from './helpers/busybox-image.ts';
import { eventually, labHelpers } from './helpers/lab-cluster.ts';
import { findRuntime } from './helpers/runtime.ts';

let root = '';
const labDir = () => join(root, 'lab');
const { kubectl, kubectlOk, applyOk, ipOf } = labHelpers(labDir);
const rfo = join(repoRoot, 'bin', 'rfo');
const nodes = ['s1', 'a1'];
const timings: Record<string, number> = {};

before(async () => {
  root = await mkdtemp('/var/tmp/rfo-ingress-');
  await writeBusyboxArchive(join(root, 'busybox.tar.zst'));
  const t0 = Date.now();
  // This checkout's runtime (the newest in the cache may be another checkout's, without Traefik).
  const runtime = await findRuntime();
  await labUp({ servers: 1, agents: 1, runtimeDir: runtime.dir, labDir: labDir(), subnet: '10.197.82.0/24', name: 'rfoin', images: [join(root, 'busybox.tar.zst')], log: (l) => process.stderr.write(`${l}\n`) });
  timings.labUp = Date.now() - t0;
});

after(async () => {
  process.stderr.write(`ingress test timings (ms): ${JSON.stringify(timings)}\n`);
  await labDown({ labDir: labDir() }).catch((err: unknown) => process.stderr.write(`lab down: ${String(err)}\n`));
  await rm(root, { recursive: true, force: true });
});

/** GET http://<ip>/ with a Host header, as a user's curl -H 'Host: …' does. */
function get(ip: string, host: string, path = '/'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: ip, port: 80, path, headers: { Host: host }, timeout: 5000 }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error(`GET http://${ip}${path} (Host ${host}) timed out`)));
    req.on('error', reject);
    req.end();
  });
}

const reaches = async (ip: string, host: string, want: RegExp) => {
  const r = await get(ip, host).catch(() => undefined);
  return r?.status === 200 && want.test(r.body);
};

const backend = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: ${busyboxRef}
        imagePullPolicy: Never
        command: [sh, -c, 'mkdir -p /www && echo "backend $(hostname)" > /www/index.html && exec httpd -f -p 8080 -h /www']
        ports: [{containerPort: 8080}]
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{name: http, port: 80, targetPort: 8080}]
`;

test('rfo-gateway-api-crds, then rfo-traefik: a DaemonSet on every node, the default IngressClass, the traefik GatewayClass and Gateway', { timeout: 600_000 }, async () => {
  const t0 = Date.now();
  const job = (name: string) => kubectl('-n', 'kube-system', 'get', 'job', `helm-install-${name}`, '-o', 'jsonpath={.status.succeeded}');
  await eventually('the rfo-gateway-api-crds release', async () => (await job('rfo-gateway-api-crds')).stdout.trim() === '1', 300_000, 2000);
  timings.crdsInstalled = Date.now() - t0;
  // The standard channel, kept on uninstall.
  const crd = JSON.parse(await kubectlOk('get', 'crd', 'httproutes.gateway.networking.k8s.io', '-o', 'json')) as { metadata: { annotations: Record<string, string> } };
  assert.equal(crd.metadata.annotations['gateway.networking.k8s.io/bundle-version'], 'v1.6.3');
  assert.equal(crd.metadata.annotations['gateway.networking.k8s.io/channel'], 'standard');
  assert.equal(crd.metadata.annotations['helm.sh/resource-policy'], 'keep');
  await eventually('the rfo-traefik release', async () => (await job('rfo-traefik')).stdout.trim() === '1', 300_000, 2000);
  await eventually('a Traefik pod Ready on each node', async () => {
    const ds = await kubectl('-n', 'kube-system', 'get', 'daemonset', 'rfo-traefik', '-o', 'jsonpath={.status.desiredNumberScheduled}/{.status.numberReady}');
    return ds.stdout.trim() === '2/2';
  }, 240_000, 2000);
  timings.traefikReady = Date.now() - t0;
  const pods = await kubectlOk('-n', 'kube-system', 'get', 'pods', '-l', 'app.kubernetes.io/name=rfo-traefik', '-o', 'jsonpath={range .items[*]}{.spec.nodeName} {.spec.containers[0].image}{"\\n"}{end}');
  assert.deepEqual(pods.trim().split('\n').map((l) => l.split(' ')[0]).sort(), nodes.slice().sort(), 'one pod per node, the control plane included');
  assert.match(pods, /docker\.io\/rfo\/traefik:v3\.7\.13/);
  assert.match(await kubectlOk('get', 'ingressclass', 'traefik', '-o', 'jsonpath={.metadata.annotations}'), /"ingressclass\.kubernetes\.io\/is-default-class":"true"/);
  await eventually('GatewayClass traefik Accepted', async () => (await kubectl('get', 'gatewayclass', 'traefik', '-o', 'jsonpath={.status.conditions[?(@.type=="Accepted")].status}')).stdout.trim() === 'True', 120_000, 2000);
  await eventually('Gateway traefik-gateway Programmed', async () => (await kubectl('-n', 'kube-system', 'get', 'gateway', 'traefik-gateway', '-o', 'jsonpath={.status.conditions[?(@.type=="Programmed")].status}')).stdout.trim() === 'True', 120_000, 2000);
});

test('an Ingress with a host rule reaches the backend through port 80 of each node', { timeout: 300_000 }, async () => {
  await applyOk(backend);
  await kubectlOk('rollout', 'status', 'deployment/web', '--timeout=180s');
  // No ingressClassName: the default IngressClass (traefik) is filled in.
  await applyOk(`
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web}
spec:
  rules:
  - host: web.rfo.test
    http:
      paths:
      - {path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}
`);
  assert.equal((await kubectlOk('get', 'ingress', 'web', '-o', 'jsonpath={.spec.ingressClassName}')).trim(), 'traefik');
  const t0 = Date.now();
  for (const n of nodes) {
    const ip = await ipOf(n);
    await eventually(`http://${ip}/ with Host web.rfo.test`, () => reaches(ip, 'web.rfo.test', /^backend web-/), 120_000, 1000);
    // Another host is not routed: Traefik's 404, not the backend.
    const other = await get(ip, 'other.rfo.test');
    assert.equal(other.status, 404, `${n}: ${other.body}`);
  }
  timings.ingressRouted = Date.now() - t0;
});

test('an HTTPRoute on the default Gateway reaches the backend through port 80 of each node', { timeout: 300_000 }, async () => {
  await applyOk(`
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: web}
spec:
  parentRefs: [{name: traefik-gateway, namespace: kube-system}]
  hostnames: [gw.rfo.test]
  rules:
  - matches: [{path: {type: PathPrefix, value: /}}]
    backendRefs: [{name: web, port: 80}]
`);
  const t0 = Date.now();
  await eventually('the HTTPRoute Accepted by the Gateway', async () => (await kubectl('get', 'httproute', 'web', '-o', 'jsonpath={.status.parents[0].conditions[?(@.type=="Accepted")].status}')).stdout.trim() === 'True', 120_000, 1000);
  for (const n of nodes) {
    const ip = await ipOf(n);
    await eventually(`http://${ip}/ with Host gw.rfo.test`, () => reaches(ip, 'gw.rfo.test', /^backend web-/), 120_000, 1000);
  }
  timings.httpRouteRouted = Date.now() - t0;
  // Memory of each node's Traefik pod after serving these requests, as the kubelet measures it (working set), for the record.
  for (const n of nodes) {
    let mib: number | undefined;
    await eventually(`the kubelet's memory figure for ${n}'s Traefik pod`, async () => {
      const stats = await kubectl('get', '--raw', `/api/v1/nodes/${n}/proxy/stats/summary`);
      const summary = stats.code === 0 ? (JSON.parse(stats.stdout) as { pods: { podRef: { name: string }; memory?: { workingSetBytes?: number } }[] }) : { pods: [] };
      const bytes = summary.pods.find((x) => x.podRef.name.startsWith('rfo-traefik-'))?.memory?.workingSetBytes;
      mib = bytes ? bytes / 1024 ** 2 : undefined;
      return mib !== undefined;
    }, 60_000, 2000);
    process.stderr.write(`rfo-traefik pod on ${n}: working set ${mib?.toFixed(1)} MiB\n`);
  }
});

test('ingress-controller: ingress-nginx is refused, naming the migration, before anything is written', async () => {
  const dir = await mkdtemp('/var/tmp/rfo-ingress-nginx-');
  try {
    const config = join(dir, 'config.yaml');
    await writeFile(config, 'ingress-controller: ingress-nginx\n');
    const args = ['server', '--config', config, '--data-dir', join(dir, 'data'), '--run-dir', join(dir, 'run')];
    const r = await run({ cmd: rfo, args });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /RFO_CONFIG_INVALID\]: invalid configuration:\n {2}[^\n]*config\.yaml: ingress-controller: "ingress-nginx" is not shipped: ingress-nginx was retired upstream in March 2026/);
    assert.match(r.stderr, /providers\.kubernetesIngressNGINX\.enabled/);
    assert.match(r.stderr, /hint: fix the keys named above; nothing was started or written/);
    // RKE2 1.37's last-chance dual mode is refused too, from the environment as from the file.
    const dual = await run({ cmd: rfo, args: ['server', '--config', '/dev/null', '--data-dir', join(dir, 'data'), '--run-dir', join(dir, 'run')], env: { ...process.env, RFO_INGRESS_CONTROLLER: 'traefik,ingress-nginx' } });
    assert.equal(dual.code, 1);
    assert.match(dual.stderr, /environment: ingress-controller: "ingress-nginx" is not shipped/);
    assert.deepEqual((await readdir(dir)).sort(), ['config.yaml'], 'nothing written');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('disable: [rfo-traefik] uninstalls Traefik and leaves no object of it; the Gateway API CRDs stay', { timeout: 400_000 }, async () => {
  // The server's config file, seen by its rfo as /etc/rancher/rfo/config.yaml.
  const configDir = join(labDir(), 's1', 'etc-rancher', 'rfo');
  await mkdir(configDir, { recursive: true });
  await writeFile(join(configDir, 'config.yaml'), 'disable:\n  - rfo-traefik\n');
  const t0 = Date.now();
  await killNodeRfo('s1', { labDir: labDir() });
  await restartNodeRfo('s1', { labDir: labDir() });
  await eventually('the rfo-traefik release and its objects gone', async () => {
    const left = await kubectl('get', 'helmchart/rfo-traefik', 'daemonset/rfo-traefik', 'service/rfo-traefik', 'serviceaccount/rfo-traefik', '-n', 'kube-system', '--ignore-not-found', '-o', 'name');
    const cluster = await kubectl('get', 'ingressclass/traefik', 'gatewayclass/traefik', 'clusterrole/rfo-traefik', 'clusterrolebinding/rfo-traefik', '--ignore-not-found', '-o', 'name');
    const gw = await kubectl('-n', 'kube-system', 'get', 'gateway/traefik-gateway', '--ignore-not-found', '-o', 'name');
    return left.code === 0 && cluster.code === 0 && gw.code === 0 && `${left.stdout}${cluster.stdout}${gw.stdout}`.trim() === '';
  }, 240_000, 2000);
  await eventually('no Traefik pod left', async () => (await kubectl('-n', 'kube-system', 'get', 'pods', '-l', 'app.kubernetes.io/name=rfo-traefik', '-o', 'name')).stdout.trim() === '', 120_000, 2000);
  for (const n of nodes) {
    const ip = await ipOf(n);
    await eventually(`port 80 of ${n} closed`, async () => (await get(ip, 'web.rfo.test').then(() => 'open', () => 'closed')) === 'closed', 60_000, 1000);
  }
  timings.disabled = Date.now() - t0;
  assert.match(await kubectlOk('get', 'crd', 'gateways.gateway.networking.k8s.io', '-o', 'name'), /gateways\.gateway\.networking\.k8s\.io/);
  assert.match(await kubectlOk('-n', 'kube-system', 'get', 'helmchart', 'rfo-gateway-api-crds', '-o', 'name'), /rfo-gateway-api-crds/);
});
