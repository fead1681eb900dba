// End to end: a real single-node cluster from `rfo server`, inside a test
// node (network namespace) with temp data, config and kubeconfig paths.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { request as httpsRequest } from 'node:https';
import { caHashOf } from '../../src/join/token.ts';
import { repoRoot } from '../../src/build/paths.ts';
import { components } from '../../src/versions/table.ts';
import { busyboxRef, imageVolumeFiles, imageVolumeRef, writeBusyboxArchive, writeImageVolumeArchive } from './helpers/busybox-image.ts';
import { findRuntime } from './helpers/runtime.ts';
import { createTestNode } from './helpers/test-node.ts';
import { killallArgs, serverDirs, testServerArgs } from './helpers/server-dirs.ts';
import type { TestNode } from './helpers/test-node.ts';
import { eventually } from './helpers/eventually.ts';
import { stopProcess, untilReady } from './helpers/rfo-process.ts';

const busybox = busyboxRef;
const rfo = join(repoRoot, 'bin', 'rfo');
let node: TestNode;
let root: string;
let server: ChildProcess | undefined;
let output = '';

const dirs = () => serverDirs(root);
const serverArgs = (config: string) => testServerArgs(dirs(), { config, nodeIp: node.ip, runtimeDir });
let runtimeDir = '';

async function startServer(config: string): Promise<number> {
  const t0 = Date.now();
  output = '';
  const proc = spawn(node.prefix[0] ?? 'nsenter', [...node.prefix.slice(1), rfo, ...serverArgs(config)], { stdio: ['ignore', 'ignore', 'pipe'] });
  server = proc;
  proc.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  await untilReady(proc, () => output);
  return Date.now() - t0;
}

async function stopServer(): Promise<void> {
  await stopProcess(server);
}

const kubectl = async (...args: string[]) => {
  const r = await node.exec(join(dirs().data, 'bin', 'kubectl'), ['--kubeconfig', dirs().kubeconfig, ...args]);
  return r;
};
const kubectlOk = async (...args: string[]) => {
  const r = await kubectl(...args);
  assert.equal(r.code, 0, `kubectl ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
};

before(async () => {
  runtimeDir = (await findRuntime()).dir;
  root = await mkdtemp('/var/tmp/rfo-e2e-');
  node = await createTestNode('rfo-e2e', 41);
  // A test image from Debian's static busybox, preloaded the airgap way.
  await mkdir(join(dirs().data, 'agent', 'images'), { recursive: true });
  // zstd-compressed, as airgap bundles usually are: rfo unpacks it before importing.
  await writeBusyboxArchive(join(dirs().data, 'agent', 'images', 'busybox.tar.zst'));
  await writeImageVolumeArchive(join(dirs().data, 'agent', 'images', 'image-volume.tar'));
});

after(async () => {
  await stopServer();
  if (node) {
    await node.exec(rfo, killallArgs(dirs()));
    await node.destroy();
  }
  if (root) await rm(root, { recursive: true, force: true });
});

test('a bad config stops rfo server with the file and key named, and writes nothing', async () => {
  const bad = join(root, 'bad.yaml');
  await writeFile(bad, 'cluster-cidr: 10.42.0.0/16\nclustr-dns: 10.43.0.10\n');
  const r = await node.exec(rfo, serverArgs(bad));
  assert.equal(r.code, 1);
  assert.match(r.stderr, new RegExp(`${bad.replaceAll('/', '\\/')}: clustr-dns: is not an rfo option`));
  assert.deepEqual(await readdir(dirs().data), ['agent'], 'only the preloaded images dir the test made');
  assert.ok(!existsSync(dirs().kubeconfig));
});

test('preflight: rfo server refuses to run as an unprivileged user', async () => {
  const r = await node.exec('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', rfo, 'server', '--config', '/dev/null']);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /RFO_USAGE\]: rfo server must run as root\n {2}hint: run it with sudo/);
});

test('preflight: a taken port is named with its owner; a missing runtime says how to build one', async () => {
  const listener = spawn(node.prefix[0] ?? 'nsenter', [...node.prefix.slice(1), process.execPath, '-e', 'require("net").createServer().listen(6443, () => console.log("listening"))'], { stdio: ['ignore', 'pipe', 'ignore'] });
  try {
    await new Promise((r) => listener.stdout?.once('data', r));
    const r = await node.exec(rfo, serverArgs('/dev/null'));
    assert.equal(r.code, 2);
    assert.match(r.stderr, /port 6443 \(kube-apiserver\) is already in use: .*users:\(\("[^"]+",pid=\d+/);
    assert.deepEqual(await readdir(dirs().data), ['agent'], 'nothing written');
  } finally {
    listener.kill();
  }
  const args = serverArgs('/dev/null');
  args[args.indexOf('--runtime-dir') + 1] = '/nonexistent/runtime';
  const missing = await node.exec(rfo, args);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /RFO_RUNTIME_MISSING\]: no rfo runtime found.*\n {2}hint: build it with `npm run build:runtime`/);
});

test('rfo server brings up a Ready node with CoreDNS and writes rfo.yaml and rfo.yml', { timeout: 400_000 }, async () => {
  const config = join(root, 'config.yaml');
  await writeFile(config, 'node-label:\n  - rfo.test/e2e=yes\nagent-token: agent-secret-1\n');
  const ms = await startServer(config);
  assert.match(output, /rfo is ready \(\d+\.\ds\)/);
  assert.doesNotMatch(output, /exited .*restarting in/, 'no component restarts during a clean start (flanneld waits for the pod CIDR)');
  assert.ok(ms < 300_000);
  const nodes = await kubectlOk('get', 'nodes', '-o', 'jsonpath={.items[0].status.conditions[?(@.type=="Ready")].status} {.items[0].metadata.labels.rfo\\.test/e2e}');
  assert.equal(nodes, 'True yes');
  assert.ok(existsSync(dirs().kubeconfig.replace(/\.yaml$/, '.yml')));
  assert.match(await readFile(join(dirs().data, 'server', 'token'), 'utf8'), /^K10[0-9a-f]{64}::server:[0-9a-f]{32}\n$/);
  assert.match(await readFile(join(dirs().data, 'server', 'agent-token'), 'utf8'), /^K10[0-9a-f]{64}::node:agent-secret-1\n$/);
  assert.equal((await stat(dirs().kubeconfig)).mode & 0o777, 0o600, 'kubeconfig is 0600 by default');
});

test('the supervisor API on 9345 serves the CA that the token hash names, and 401 without the token', async () => {
  const token = (await readFile(join(dirs().data, 'server', 'token'), 'utf8')).trim();
  const hash = /^K10([0-9a-f]{64})::/.exec(token)?.[1];
  const fetchText = (path: string, auth?: string, ca?: string) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpsRequest({ host: node.ip, port: 9345, path, ...(ca ? { ca } : { rejectUnauthorized: false }), headers: auth ? { authorization: auth } : {} }, (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.end();
    });
  const cacerts = await fetchText('/cacerts');
  assert.equal(caHashOf(cacerts.body), hash);
  assert.equal((await fetchText('/v1-rfo/config', undefined, cacerts.body)).status, 401);
  const password = token.split('::server:')[1] ?? '';
  const config = await fetchText('/v1-rfo/config', `Basic ${Buffer.from(`server:${password}`).toString('base64')}`, cacerts.body);
  assert.equal(config.status, 200);
  assert.equal((JSON.parse(config.body) as Record<string, string>)['cluster-cidr'], '10.42.0.0/16');
  const agent = await fetchText('/v1-rfo/readyz', `Basic ${Buffer.from('node:agent-secret-1').toString('base64')}`, cacerts.body);
  assert.equal(agent.status, 200);
});

test('a busybox pod runs and its logs read back', { timeout: 200_000 }, async () => {
  await kubectlOk('run', 'hello', `--image=${busybox}`, '--image-pull-policy=Never', '--restart=Never', '--', 'echo', 'hello from rfo');
  await eventually('hello pod to finish', async () => (await kubectl('get', 'pod', 'hello', '-o', 'jsonpath={.status.phase}')).stdout === 'Succeeded');
  assert.equal((await kubectlOk('logs', 'hello')).trim(), 'hello from rfo');
});

// The conformance ImageVolume spec reads a file of the volume image's base
// layer (/etc/os-release); its stand-in image cannot show that, this can.
test('an image volume mounts every layer of its image, read-only', { timeout: 200_000 }, async () => {
  const manifest = `apiVersion: v1
kind: Pod
metadata: {name: image-volume}
spec:
  restartPolicy: Never
  containers:
  - name: reader
    image: ${busybox}
    imagePullPolicy: Never
    command: [sh, -c, 'cat /volume${imageVolumeFiles.top} /volume${imageVolumeFiles.base}; if echo x > /volume/written; then echo WRITABLE; fi']
    volumeMounts: [{name: image, mountPath: /volume}]
  volumes:
  - name: image
    image: {reference: ${imageVolumeRef}, pullPolicy: IfNotPresent}
`;
  const applied = await node.exec(join(dirs().data, 'bin', 'kubectl'), ['--kubeconfig', dirs().kubeconfig, 'apply', '-f', '-'], manifest);
  assert.equal(applied.code, 0, applied.stderr);
  const phase = async () => (await kubectl('get', 'pod', 'image-volume', '-o', 'jsonpath={.status.phase}')).stdout;
  const finished = await eventually('image-volume pod to finish', async () => ['Succeeded', 'Failed'].includes(await phase())).then(() => true, () => false);
  const why = async () => (await kubectl('describe', 'pod', 'image-volume')).stdout;
  assert.ok(finished && (await phase()) === 'Succeeded', `image-volume pod did not succeed:\n${await why()}`);
  const logs = await kubectlOk('logs', 'image-volume');
  assert.match(logs, /"layer":"top"/, 'the top layer\'s file');
  assert.match(logs, /image-volume test base layer/, 'the base layer\'s file');
  assert.doesNotMatch(logs, /WRITABLE/);
  await kubectlOk('delete', 'pod', 'image-volume', '--wait=false');
});

test('a Deployment behind a Service is reached by name through CoreDNS and kube-proxy', { timeout: 700_000 }, async () => {
  const manifest = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: ${busybox}
        imagePullPolicy: Never
        command: [sh, -c, 'mkdir -p /www && echo served-by-rfo > /www/index.html && exec httpd -f -p 8080 -h /www']
        ports: [{containerPort: 8080}]
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080}]
`;
  const applied = await node.exec(join(dirs().data, 'bin', 'kubectl'), ['--kubeconfig', dirs().kubeconfig, 'apply', '-f', '-'], manifest);
  assert.equal(applied.code, 0, applied.stderr);
  await kubectlOk('rollout', 'status', 'deployment/web', '--timeout=120s');
  // kube-proxy programs the new endpoint asynchronously (its minimum sync
  // period is 1 s, longer on a loaded host), so a client started right after
  // the rollout may find the Service without endpoints. Worse, when an
  // iptables-restore fails (e.g. the xtables lock held past its 5 s wait by
  // another writer on a loaded host) kube-proxy logs it and tries again only
  // at its next periodic sync, up to 30 s later: CI twice saw the Service
  // unreachable for ~30 s. The client tries for up to 90 s, says how many
  // attempts it needed, and the test prints kube-proxy's failed restores.
  const script = 'for i in $(seq 1 90); do if out=$(timeout 5 wget -qO- http://web.default.svc.cluster.local); then echo "$out"; echo "attempts=$i" >&2; exit 0; fi; sleep 1; done; exit 1';
  await kubectlOk('run', 'client', `--image=${busybox}`, '--image-pull-policy=Never', '--restart=Never', '--', 'sh', '-c', script);
  await eventually('client pod to finish', async () => ['Succeeded', 'Failed'].includes((await kubectl('get', 'pod', 'client', '-o', 'jsonpath={.status.phase}')).stdout), 600_000);
  const logs = await kubectlOk('logs', 'client');
  const slices = await kubectl('get', 'endpointslices', '-l', 'kubernetes.io/service-name=web', '-o', 'wide');
  const proxyLog = await readFile(join(dirs().data, 'agent', 'logs', 'kube-proxy.log'), 'utf8').catch(() => '');
  const failedRestores = proxyLog.split('\n').filter((line) => line.includes('Failed to execute iptables-restore'));
  console.log(`${logs.split('\n').find((line) => line.startsWith('attempts=')) ?? 'no attempt succeeded'}; kube-proxy failed restores: ${failedRestores.length}${failedRestores.length ? `\n${failedRestores.slice(-3).join('\n')}` : ''}`);
  // The log also holds what failed attempts printed (wget errors, `Terminated` from timeout).
  assert.ok(logs.split('\n').some((line) => line.trim() === 'served-by-rfo'), `${logs}\n${slices.stdout}\n${proxyLog.split('\n').slice(-30).join('\n')}`);
});

test('crictl in the data dir talks to the node runtime', async () => {
  const env = `CRI_CONFIG_FILE=${join(dirs().data, 'agent', 'etc', 'crictl.yaml')}`;
  const ps = await node.exec('env', [env, join(dirs().data, 'bin', 'crictl'), 'ps']);
  assert.equal(ps.code, 0, ps.stderr);
  assert.match(ps.stdout, /^CONTAINER\s+IMAGE\s+CREATED\s+STATE\s+NAME/);
  assert.match(ps.stdout, /Running\s+coredns\s/, "upstream crictl prints the CRI state as Running");
  const images = await node.exec('env', [env, join(dirs().data, 'bin', 'crictl'), 'images']);
  assert.match(images.stdout, /registry\.k8s\.io\/pause\s+3\.10\.2/);
});

test('every Go process rfo supervises runs with GOGC=25, the CoreDNS container with GOGC=50 (chart values.env)', async () => {
  const environOf = async (pid: string) => (await readFile(`/proc/${pid}/environ`, 'utf8').catch(() => '')).split('\0');
  const seen = new Set<string>();
  for (const pid of (await readdir('/proc')).filter((p) => /^\d+$/.test(p))) {
    const env = await environOf(pid);
    if (!env.includes(`RFO_MANAGED=${dirs().run}`)) continue;
    const name = (await readFile(`/proc/${pid}/comm`, 'utf8').catch(() => '')).trim();
    if (!['etcd', 'kube-apiserver', 'kubelet', 'containerd', 'flanneld', 'helm-controller', 'kube-proxy'].includes(name)) continue;
    const want = 'GOGC=25';
    assert.ok(env.includes(want), `${name} (${pid}) runs without ${want}`);
    seen.add(name);
  }
  assert.deepEqual([...seen].sort(), ['containerd', 'etcd', 'flanneld', 'helm-controller', 'kube-apiserver', 'kube-proxy', 'kubelet']);
  const crictl = ['env', `CRI_CONFIG_FILE=${join(dirs().data, 'agent', 'etc', 'crictl.yaml')}`, join(dirs().data, 'bin', 'crictl')];
  const id = (await node.exec(crictl[0] ?? 'env', [...crictl.slice(1), 'ps', '--name', 'coredns', '-q'])).stdout.trim().split('\n')[0] ?? '';
  const inspect = await node.exec(crictl[0] ?? 'env', [...crictl.slice(1), 'inspect', id]);
  const pid = String((JSON.parse(inspect.stdout) as { info: { pid: number } }).info.pid);
  assert.ok((await environOf(pid)).includes('GOGC=50'), 'the CoreDNS container has GOGC=50');
});

test('upstream crictl execs into a running container (the CoreDNS one: scratch, so its own binary)', async () => {
  const env = `CRI_CONFIG_FILE=${join(dirs().data, 'agent', 'etc', 'crictl.yaml')}`;
  const crictl = join(dirs().data, 'bin', 'crictl');
  const version = await node.exec('env', [env, crictl, 'version']);
  assert.equal(version.code, 0, version.stderr);
  assert.match(version.stdout, /RuntimeName:\s+containerd/);
  const id = (await node.exec('env', [env, crictl, 'ps', '--name', 'coredns', '--state', 'running', '-q'])).stdout.trim().split('\n')[0] ?? '';
  assert.match(id, /^[0-9a-f]{13,64}$/, 'a running coredns container');
  const exec = await node.exec('env', [env, crictl, 'exec', id, '/coredns', '-version']);
  assert.equal(exec.code, 0, exec.stderr);
  assert.ok(exec.stdout.includes(`CoreDNS-${components.coredns.version.replace(/^v/, '')}`), exec.stdout);
  const missing = await node.exec('env', [env, crictl, 'exec', id, '/no-such-binary']);
  assert.notEqual(missing.code, 0, 'a failed exec is reported as a failure');
});

test('a manifest dropped into server/manifests appears in the cluster', { timeout: 120_000 }, async () => {
  await writeFile(join(dirs().data, 'server', 'manifests', 'dropped.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: dropped, namespace: default}\ndata: {from: manifests-dir}\n');
  await eventually('the dropped ConfigMap', async () => (await kubectl('get', 'configmap', 'dropped', '-o', 'jsonpath={.data.from}')).stdout === 'manifests-dir', 60_000);
});

test('restart with the same data dir keeps the cluster and its objects; disable: [rfo-coredns] removes exactly what it deployed', { timeout: 400_000 }, async () => {
  await kubectlOk('create', 'configmap', 'keep-me', '--from-literal=k=v');
  // A user object beside CoreDNS's, of the same kind in the same namespace: never touched.
  await kubectlOk('-n', 'kube-system', 'create', 'serviceaccount', 'user-made');
  assert.match(await kubectlOk('get', 'addons', '-A'), /kube-system\s+rfo-coredns\s/);
  await stopServer();
  const config = join(root, 'config.yaml');
  await writeFile(config, `${await readFile(config, 'utf8')}disable:\n  - rfo-coredns\n`);
  await startServer(config);
  assert.match(output, /PKI: existing certificates kept/);
  assert.equal(await kubectlOk('get', 'configmap', 'keep-me', '-o', 'jsonpath={.data.k}'), 'v');
  await eventually('the CoreDNS Deployment and Service gone', async () => {
    const left = await kubectl('-n', 'kube-system', 'get', 'deployment/coredns', 'service/kube-dns', 'serviceaccount/coredns', '--ignore-not-found', '-o', 'name');
    return left.code === 0 && left.stdout.trim() === '';
  }, 60_000);
  assert.equal((await kubectlOk('-n', 'kube-system', 'get', 'serviceaccount', 'user-made', '-o', 'name')).trim(), 'serviceaccount/user-made');
  assert.equal(await kubectlOk('get', 'configmap', 'dropped', '-o', 'jsonpath={.data.from}'), 'manifests-dir', 'the other add-on file stays applied');
});

test('rfo-killall.sh leaves no rfo processes, mounts, pod interfaces or pod IP reservations, and keeps the data', { timeout: 120_000 }, async () => {
  await stopServer();
  // host-local's reservations are under cni-state-dir, one file per pod IP (pods outlive rfo).
  const reservations = join(dirs().cniState, 'networks', 'rfo-pod-network');
  const held = (await readdir(reservations)).filter((f) => /^\d+\.\d+\.\d+\.\d+$/.test(f));
  assert.ok(held.length > 0, `no pod IP reserved in ${reservations}`);
  const r = await node.exec(join(repoRoot, 'bin', 'rfo-killall.sh'), killallArgs(dirs()).slice(1));
  assert.equal(r.code, 0, r.stderr);
  assert.ok(!existsSync(reservations), `the ${held.length} reservations of the stopped pods are released`);
  const procs = (await readdir('/proc')).filter((p) => /^\d+$/.test(p));
  for (const pid of procs) {
    const env = await readFile(`/proc/${pid}/environ`, 'utf8').catch(() => '');
    assert.ok(!env.split('\0').includes(`RFO_MANAGED=${dirs().run}`), `process ${pid} still carries RFO_MANAGED`);
  }
  const mounts = await readFile('/proc/mounts', 'utf8');
  assert.ok(!mounts.includes(root), `mounts left under ${root}`);
  const links = await node.exec('ip', ['-o', 'link']);
  assert.doesNotMatch(links.stdout, /cni0|flannel\.1/);
  assert.ok(existsSync(join(dirs().data, 'server', 'db', 'etcd', 'member')), 'etcd data kept');
});
