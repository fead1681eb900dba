// End to end: one server and two agents in a lab on this host (network +
// mount namespaces per node). Pods on different agents reach each other over
// flannel VXLAN and through a Service; kubectl logs/exec reach agent pods;
// every kind of bad join input is refused with its own error and leaves no
// file behind; the agent token gets no certificate for the server's name;
// agents' kubelet certificates come from the kubelet CA; deleting a Node
// frees its name for a new node.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { request } from 'node:https';
import { X509Certificate } from 'node:crypto';
import { repoRoot } from '../../src/build/paths.ts';
import { labDown, labExec, labUp, startNode, stopNode } from '../../src/lab/lab.ts';
import { busyboxRef, writeBusyboxArchive } from './helpers/busybox-image.ts';
import { eventually, labHelpers } from './helpers/lab-cluster.ts';

let root = '';
const labDir = () => join(root, 'lab');
const { kubectl, kubectlOk, applyOk, nodeReady, ipOf, token } = labHelpers(labDir);
const rfo = join(repoRoot, 'bin', 'rfo');

before(async () => {
  root = await mkdtemp('/var/tmp/rfo-join-');
  await writeBusyboxArchive(join(root, 'busybox.tar.zst'));
  await labUp({ servers: 1, agents: 2, labDir: labDir(), subnet: '10.197.20.0/24', name: 'rfoja', images: [join(root, 'busybox.tar.zst')], log: (l) => process.stderr.write(`${l}\n`) });
});

after(async () => {
  await labDown({ labDir: labDir() }).catch((err: unknown) => process.stderr.write(`lab down: ${String(err)}\n`));
  await rm(root, { recursive: true, force: true });
});

test('one server and two agents are Ready; only the server carries server roles', { timeout: 60_000 }, async () => {
  for (const n of ['s1', 'a1', 'a2']) assert.equal(await nodeReady(n), 'True', n);
  assert.match(await kubectlOk('get', 'node', 's1', '--show-labels'), /node-role\.kubernetes\.io\/etcd=true/);
  assert.doesNotMatch(await kubectlOk('get', 'node', 'a1', '--show-labels'), /node-role\.kubernetes\.io/);
  // the agents proved their names with node passwords, kept as secrets
  const secrets = await kubectlOk('-n', 'kube-system', 'get', 'secrets', '-o', 'name');
  assert.match(secrets, /a1\.node-password\.rfo/);
  assert.match(secrets, /a2\.node-password\.rfo/);
});

const web = (node: string) => `
apiVersion: v1
kind: Pod
metadata: {name: web-${node}, labels: {app: web}}
spec:
  nodeName: ${node}
  containers:
  - name: web
    image: ${busyboxRef}
    imagePullPolicy: Never
    command: [sh, -c, 'mkdir -p /www && hostname > /www/index.html && exec httpd -f -p 8080 -h /www']
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080}]
`;

async function podIp(name: string): Promise<string> {
  await kubectlOk('wait', '--for=condition=Ready', `pod/${name}`, '--timeout=120s');
  return (await kubectlOk('get', 'pod', name, '-o', 'jsonpath={.status.podIP}')).trim();
}

test('a pod on one agent reaches a pod on the other over VXLAN, and through a Service by name', { timeout: 300_000 }, async () => {
  await applyOk(web('a1'));
  const ip = await podIp('web-a1');
  assert.match(ip, /^10\.42\./);
  const client = `
apiVersion: v1
kind: Pod
metadata: {name: client}
spec:
  nodeName: a2
  restartPolicy: Never
  containers:
  - name: c
    image: ${busyboxRef}
    imagePullPolicy: Never
    command: [sh, -c, 'wget -qO- http://${ip}:8080 && wget -qO- http://web.default.svc.cluster.local']
`;
  await applyOk(client);
  await eventually('client pod to finish', async () => ['Succeeded', 'Failed'].includes((await kubectl('get', 'pod', 'client', '-o', 'jsonpath={.status.phase}')).stdout));
  assert.equal((await kubectlOk('get', 'pod', 'client', '-o', 'jsonpath={.spec.nodeName}')).trim(), 'a2');
  // both answers come from the pod on a1: directly by pod IP, then via CoreDNS + kube-proxy
  assert.deepEqual((await kubectlOk('logs', 'client')).trim().split('\n'), ['web-a1', 'web-a1']);
});

test('kubectl logs and exec reach pods on agents', { timeout: 120_000 }, async () => {
  assert.equal((await kubectlOk('exec', 'web-a1', '--', 'cat', '/www/index.html')).trim(), 'web-a1');
  assert.notEqual((await kubectl('exec', 'client', '--', 'true')).code, 0, 'exec into a finished pod fails, as it must');
  await kubectlOk('run', 'hello', `--image=${busyboxRef}`, '--image-pull-policy=Never', '--restart=Never', '--overrides={"spec":{"nodeName":"a2"}}', '--', 'echo', 'hello from a2');
  await eventually('hello to finish', async () => (await kubectl('get', 'pod', 'hello', '-o', 'jsonpath={.status.phase}')).stdout === 'Succeeded');
  assert.equal((await kubectlOk('logs', 'hello')).trim(), 'hello from a2');
});

/** Runs rfo inside a2's namespaces with a fresh data dir; returns its output and whether it wrote anything. */
async function tryJoin(role: 'agent' | 'server', args: string[]): Promise<{ code: number; out: string; wrote: boolean }> {
  const dir = await mkdtemp(join(root, 'bad-'));
  const data = join(dir, 'data');
  const r = await labExec('a2', [rfo, role, '--config', '/dev/null', '--data-dir', data, '--run-dir', join(dir, 'run'), '--node-ip', await ipOf('a2'), ...args], { labDir: labDir() });
  return { code: r.code, out: r.stdout + r.stderr, wrote: existsSync(data) || existsSync(join(dir, 'run')) };
}

test('bad join input: each refused with its own error, nothing written', { timeout: 120_000 }, async () => {
  const t = await token();
  const s1 = `https://${await ipOf('s1')}:9345`;
  const hash = t.slice(3, 67);
  const cases: [string, 'agent' | 'server', string[], RegExp][] = [
    ['wrong password', 'agent', ['--server', s1, '--token', `K10${hash}::server:not-the-password`, '--node-name', 'x1'], /RFO_TOKEN_REJECTED.*401/],
    ['CA hash of another cluster', 'agent', ['--server', s1, '--token', `K10${'0'.repeat(64)}::server:whatever`, '--node-name', 'x1'], /RFO_CA_MISMATCH.*not the one this token was issued for/],
    ['server: pointed at 6443', 'agent', ['--server', s1.replace(':9345', ':6443'), '--token', t, '--node-name', 'x1'], /RFO_WRONG_PORT[\s\S]*:9345/],
    ['a node name taken by another node', 'agent', ['--server', s1, '--token', t, '--node-name', 'a1'], /RFO_JOIN_FORBIDDEN.*a1 is already registered with a different node password/],
    ["an agent taking the server's name", 'agent', ['--server', s1, '--token', t, '--node-name', 's1'], /RFO_JOIN_FORBIDDEN.*node name s1 belongs to a server/],
    ['a joining server with another cluster-cidr', 'server', ['--server', s1, '--token', t, '--node-name', 'x2', '--cluster-cidr', '10.52.0.0/16'], /RFO_CLUSTER_MISMATCH[\s\S]*cluster-cidr: cluster has 10\.42\.0\.0\/16, this server has 10\.52\.0\.0\/16/],
    ['a server joining with an agent token', 'server', ['--server', s1, '--token', t.replace('::server:', '::node:'), '--node-name', 'x2'], /RFO_JOIN_FORBIDDEN.*lets agents join, not servers/],
  ];
  for (const [what, role, args, expected] of cases) {
    const r = await tryJoin(role, args);
    assert.equal(r.code, 1, `${what}: exit code\n${r.out}`);
    assert.match(r.out, expected, what);
    assert.ok(!r.wrote, `${what}: wrote to disk`);
    assert.ok(!r.out.includes(t.split(':').at(-1) ?? '-'), `${what}: the token's password was printed`);
  }
});

function fetchText(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { rejectUnauthorized: false, headers }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}
const get = async (url: string, headers: Record<string, string> = {}) => (await fetchText(url, headers)).status;

test('protected join endpoints answer 401 without the token; /cacerts and /ping do not need it', { timeout: 30_000 }, async () => {
  const base = `https://${await ipOf('s1')}:9345`;
  for (const path of ['/v1-rfo/config', '/v1-rfo/readyz', '/v1-rfo/serving-kubelet.crt', '/v1-rfo/client-kubelet.crt', '/v1-rfo/client-kube-proxy.crt', '/v1-rfo/bootstrap', '/v1-rfo/etcd-members']) {
    assert.equal(await get(`${base}${path}`), 401, path);
    assert.equal(await get(`${base}${path}`, { authorization: `Basic ${Buffer.from('node:guess').toString('base64')}` }), 401, path);
  }
  assert.equal(await get(`${base}/cacerts`), 200);
  assert.equal(await get(`${base}/ping`), 200);
});

test("the agent token gets no certificate for the server's name or another agent's address: 403, nothing issued, the server's node password untouched", { timeout: 60_000 }, async () => {
  const base = `https://${await ipOf('s1')}:9345`;
  const hashOf = async () => (await kubectlOk('-n', 'kube-system', 'get', 'secret', 's1.node-password.rfo', '-o', 'jsonpath={.data.hash}')).trim();
  // the server registered its own name at start, as agents do at join
  const before = await hashOf();
  assert.ok(before.length > 0);
  const node = `Basic ${Buffer.from(`node:${(await token()).split(':').at(-1) ?? ''}`).toString('base64')}`;
  for (const kind of ['serving-kubelet', 'client-kubelet', 'client-kube-proxy', 'client-flannel']) {
    const r = await fetchText(`${base}/v1-rfo/${kind}.crt`, { authorization: node, 'rfo-node-name': 's1', 'rfo-node-password': 'an-attackers-password-0123', 'rfo-node-ip': await ipOf('a2') });
    assert.equal(r.status, 403, `${kind}: ${r.body}`);
    assert.match(r.body, /s1 belongs to a server/);
    assert.doesNotMatch(r.body, /BEGIN/);
  }
  // the agent's own name with a server's IP is refused too; a reserved name is a 400
  const ip = await fetchText(`${base}/v1-rfo/serving-kubelet.crt`, { authorization: node, 'rfo-node-name': 'x9', 'rfo-node-password': 'an-attackers-password-0123', 'rfo-node-ip': await ipOf('s1') });
  assert.equal(ip.status, 403, ip.body);
  // another agent's registered address: a new name cannot get a serving certificate for it
  const other = await fetchText(`${base}/v1-rfo/serving-kubelet.crt`, { authorization: node, 'rfo-node-name': 'x8', 'rfo-node-password': 'an-attackers-password-0123', 'rfo-node-ip': await ipOf('a2') });
  assert.equal(other.status, 403, other.body);
  assert.match(other.body, /is registered to node a2/);
  const reserved = await fetchText(`${base}/v1-rfo/serving-kubelet.crt`, { authorization: node, 'rfo-node-name': 'kubernetes', 'rfo-node-password': 'an-attackers-password-0123', 'rfo-node-ip': await ipOf('a2') });
  assert.equal(reserved.status, 400, reserved.body);
  assert.equal(await hashOf(), before);
  assert.doesNotMatch(await kubectlOk('-n', 'kube-system', 'get', 'secrets', '-o', 'name'), /x9\.node-password|x8\.node-password|kubernetes\.node-password/, 'nothing registered');
});

test("an agent's kubelet serving certificate is signed by the kubelet CA, which no client trusts for the apiserver or supervisor", { timeout: 30_000 }, async () => {
  const tls = join(labDir(), 's1', 'var-lib-rancher', 'rfo', 'server', 'tls');
  const serving = new X509Certificate(await readFile(join(labDir(), 'a1', 'var-lib-rancher', 'rfo', 'agent', 'serving-kubelet.crt'), 'utf8'));
  assert.ok(serving.verify(new X509Certificate(await readFile(join(tls, 'kubelet-ca.crt'), 'utf8')).publicKey));
  assert.ok(!serving.verify(new X509Certificate(await readFile(join(tls, 'server-ca.crt'), 'utf8')).publicKey));
  // what agents are given to trust is server-ca only
  assert.equal(await readFile(join(labDir(), 'a1', 'var-lib-rancher', 'rfo', 'agent', 'server-ca.crt'), 'utf8'), await readFile(join(tls, 'server-ca.crt'), 'utf8'));
});

test('a deleted node frees its name: the servers delete its node password and a new node joins under it', { timeout: 300_000 }, async () => {
  const secret = 'a2.node-password.rfo';
  assert.match(await kubectlOk('-n', 'kube-system', 'get', 'secret', secret, '-o', 'jsonpath={.type}'), /^rfo\.cattle\.io\/node-password$/);
  await stopNode('a2', { labDir: labDir() });
  await kubectlOk('delete', 'node', 'a2');
  const took = await eventually(`${secret} deleted`, async () => !(await kubectl('-n', 'kube-system', 'get', 'secret', secret)).stdout.includes(secret), 60_000);
  process.stderr.write(`node password of a2 deleted ${took} ms after its Node\n`);
  // The replacement is another machine: it has no password file, so it makes a new password.
  const passwordFile = join(labDir(), 'a2', 'var-lib-rancher', 'rfo', 'agent', 'node-password');
  const oldPassword = await readFile(passwordFile, 'utf8');
  await rm(passwordFile);
  await startNode('a2', { labDir: labDir(), readyTimeoutMs: 180_000 });
  await eventually('a2 Ready again', async () => (await nodeReady('a2')) === 'True', 120_000);
  assert.notEqual(await readFile(passwordFile, 'utf8'), oldPassword);
  assert.match(await kubectlOk('-n', 'kube-system', 'get', 'secret', secret, '-o', 'name'), /a2\.node-password\.rfo/);
  // a1 never left: its secret stays
  assert.match(await kubectlOk('-n', 'kube-system', 'get', 'secret', 'a1.node-password.rfo', '-o', 'name'), /a1/);
});
