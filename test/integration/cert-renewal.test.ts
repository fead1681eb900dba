// End to end: certificates renew themselves while rfo runs. A real server
// and agent, each in its own test node (network namespace, its own kubelet
// cgroup root), joined by a direct veth link:
// - kubelets replace rfo's first serving certificate through the CSR API:
//   rfo's approver approves each node's own request, kubectl logs/exec reach a
//   pod on the agent with it; hostile requests are not approved;
// - a leaf made near expiry (issued by the test with its clock 300 days back)
//   is renewed by the renewal loop, and only the component using it restarts
//   (pids of all others unchanged); the supervisor's certificate is reloaded
//   without a restart, the admin one into rfo's own client; an agent's
//   kube-proxy certificate is fetched anew;
// - a certificate with < 30 days left: WARNING line and Node Event;
// - GET /metrics on 9345: 401 without credentials, the expiry series with them.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { request } from 'node:https';
import { repoRoot } from '../../src/build/paths.ts';
import { run } from '../../src/util/exec.ts';
import { writeFileAtomic } from '../../src/util/atomic-write.ts';
import { createCgroupRoot, removeCgroupRoot } from '../../src/lab/cgroup-roots.ts';
import { planCertSpecs } from '../../src/pki/specs.ts';
import type { CaSpec, LeafSpec } from '../../src/pki/specs.ts';
import { issueCertificate, issuerFromCaKey } from '../../src/pki/x509.ts';
import { csrPem } from '../../src/pki/csr-fixtures.test-helper.ts';
import { busyboxRef, writeBusyboxArchive } from './helpers/busybox-image.ts';
import { findRuntime } from './helpers/runtime.ts';
import { createTestNode } from './helpers/test-node.ts';
import { killallArgs, nodeDirArgs, serverDirs } from './helpers/server-dirs.ts';
import type { TestNode } from './helpers/test-node.ts';
import { eventually } from './helpers/eventually.ts';
import { stopProcess, untilReady } from './helpers/rfo-process.ts';

const rfo = join(repoRoot, 'bin', 'rfo');
const serverName = 'rfo-renew-s1';
const agentName = 'rfo-renew-a1';
const day = 24 * 60 * 60 * 1000;
let root = '';
let runtimeDir = '';
let sNode: TestNode;
let aNode: TestNode;
let server: ChildProcess | undefined;
let agent: ChildProcess | undefined;
let serverOut = '';
let agentOut = '';

const dirsOf = (who: 's' | 'a') => ({
  ...serverDirs(join(root, who)),
  cgroupRoot: `/${who === 's' ? serverName : agentName}`,
});
const S = () => dirsOf('s');
const A = () => dirsOf('a');
const tls = (f: string) => join(S().data, 'server', 'tls', f);
const agentFile = (f: string) => join(A().data, 'agent', f);
const commonArgs = (d: ReturnType<typeof dirsOf>, node: TestNode) => ['--config', '/dev/null', ...nodeDirArgs(d), '--node-ip', node.ip, '--runtime-dir', runtimeDir];
// Checks every 2 s instead of daily.
const env = { ...process.env, RFO_TEST_CERT_CHECK_INTERVAL_SECONDS: '2' };

function spawnIn(node: TestNode, args: string[], onOutput: (s: string) => void): ChildProcess {
  const proc = spawn(node.prefix[0] ?? 'nsenter', [...node.prefix.slice(1), rfo, ...args], { stdio: ['ignore', 'ignore', 'pipe'], env });
  proc.stderr?.on('data', (d: Buffer) => onOutput(d.toString()));
  return proc;
}

const kubectlIn = (node: TestNode, kubeconfig: string) => async (args: string[], input?: string) => node.exec(join(S().data, 'bin', 'kubectl'), ['--kubeconfig', kubeconfig, ...args], input);
const admin = (...args: string[]) => kubectlIn(sNode, S().kubeconfig)(args);
const adminOk = async (...args: string[]) => {
  const r = await admin(...args);
  assert.equal(r.code, 0, `kubectl ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
};

/** Every supervised component's pid, from the run dir's pid files. */
async function pids(runDir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const f of await readdir(runDir)) if (f.endsWith('.pid') && f !== 'rfo.pid') out[f.slice(0, -4)] = (await readFile(join(runDir, f), 'utf8')).trim();
  return out;
}

const notAfter = async (path: string) => new Date(new X509Certificate(await readFile(path)).validTo).getTime();

/**
 * Replace a leaf with one of the same subject and key that has only 65 days
 * left: issued under the same CA with the test's clock 300 days back.
 */
async function makeNearExpiry(spec: LeafSpec, caSpec: CaSpec, certPath: string, keyPath: string): Promise<X509Certificate> {
  const issuer = issuerFromCaKey(caSpec, await readFile(tls(`${caSpec.file}.key`), 'utf8'));
  const key = createPrivateKey(await readFile(keyPath, 'utf8'));
  const old = issueCertificate(spec, { now: new Date(Date.now() - 300 * day), issuer, key });
  await writeFileAtomic(certPath, old.certPem, 0o644);
  const cert = new X509Certificate(old.certPem);
  assert.ok(Date.parse(cert.validTo) < Date.now() + 70 * day);
  return cert;
}

const specsFor = (nodeName: string, ip: string) => planCertSpecs({ nodeName, nodeIps: [ip], tlsSans: [], serviceCidr: '10.43.0.0/16', clusterDomain: 'cluster.local' });
const leafSpec = (nodeName: string, ip: string, id: string) => specsFor(nodeName, ip).find((s) => s.id === id) as LeafSpec;
const caSpec = (id: string) => specsFor(serverName, '10.0.0.1').find((s) => s.id === id) as CaSpec;

before(async () => {
  runtimeDir = (await findRuntime()).dir;
  root = await mkdtemp('/var/tmp/rfo-renew-');
  sNode = await createTestNode('rfo-renew-s', 75);
  aNode = await createTestNode('rfo-renew-a', 76);
  // A direct link between the two nodes (no routing through the host, whose forwarding stays as it is).
  await run({ cmd: 'ip', args: ['link', 'add', 'rfornw-s', 'netns', 'rfo-renew-s', 'type', 'veth', 'peer', 'name', 'rfornw-a', 'netns', 'rfo-renew-a'] });
  for (const [ns, dev, peer, src] of [['rfo-renew-s', 'rfornw-s', aNode.ip, sNode.ip], ['rfo-renew-a', 'rfornw-a', sNode.ip, aNode.ip]] as const) {
    for (const args of [['link', 'set', dev, 'up'], ['route', 'add', `${peer}/32`, 'dev', dev, 'src', src]]) {
      const r = await run({ cmd: 'ip', args: ['-n', ns, ...args] });
      assert.equal(r.code, 0, `ip -n ${ns} ${args.join(' ')}: ${r.stderr}`);
    }
  }
  for (const d of [S(), A()]) {
    // Each kubelet its own cgroup tree, so it never meets another kubelet's pods on this host.
    await createCgroupRoot(d.cgroupRoot);
    const dropins = join(d.data, 'agent', 'etc', 'kubelet.conf.d');
    await mkdir(dropins, { recursive: true });
    await writeFile(join(dropins, '50-rfo-renew-test.conf'), `${JSON.stringify({ apiVersion: 'kubelet.config.k8s.io/v1beta1', kind: 'KubeletConfiguration', cgroupRoot: d.cgroupRoot, cgroupsPerQOS: true })}\n`);
  }
  // A kubelet client certificate left from another cluster (a wiped data dir, a kept kubelet dir):
  // kubelet would prefer it to rfo's and be refused; rfo must remove it before kubelet starts.
  const foreignCa = issueCertificate({ kind: 'ca', id: 'client-ca', file: 'client-ca', commonName: 'rfo-client-ca', validityDays: 3650 }, { now: new Date() });
  const stale = issueCertificate(leafSpec(agentName, aNode.ip, 'kubelet'), { now: new Date(), issuer: foreignCa.asIssuer });
  await mkdir(join(A().kubelet, 'pki'), { recursive: true });
  await writeFile(join(A().kubelet, 'pki', 'kubelet-client-current.pem'), stale.certPem + stale.keyPem);
  await mkdir(join(A().data, 'agent', 'images'), { recursive: true });
  await writeBusyboxArchive(join(A().data, 'agent', 'images', 'busybox.tar.zst'));

  server = spawnIn(sNode, ['server', ...commonArgs(S(), sNode), '--node-name', serverName, '--write-kubeconfig', S().kubeconfig], (t) => (serverOut += t));
  await untilReady(server, () => serverOut, 400_000);
  const token = (await readFile(join(S().data, 'server', 'node-token'), 'utf8')).trim();
  agent = spawnIn(aNode, ['agent', ...commonArgs(A(), aNode), '--node-name', agentName, '--server', `https://${sNode.ip}:9345`, '--token', token], (t) => (agentOut += t));
  await untilReady(agent, () => agentOut, 400_000, 'rfo agent is ready');
  assert.match(agentOut, /kubelet's client certificate was not issued by this cluster's client-ca: removed .*kubelet-client-current\.pem/);
});

after(async () => {
  await stopProcess(agent);
  await stopProcess(server);
  for (const [d, node] of [[A(), aNode], [S(), sNode]] as const) {
    if (!node || !root) continue;
    await node.exec(rfo, killallArgs(d));
    await node.destroy();
    await removeCgroupRoot(d.cgroupRoot).catch(() => undefined);
  }
  // RFO_TEST_KEEP=1 keeps the data dirs (component logs) and prints rfo's output, for debugging.
  if (process.env.RFO_TEST_KEEP) process.stderr.write(`kept ${root}\n--- server\n${serverOut}\n--- agent\n${agentOut}\n`);
  else if (root) await rm(root, { recursive: true, force: true });
});

/** The certificate a TLS server presents (fingerprint, notAfter), read from inside a node. */
async function presented(node: TestNode, host: string, port: number): Promise<{ fingerprint: string; validTo: number; subject: string }> {
  const script = `const s=require('node:tls').connect({host:'${host}',port:${port},rejectUnauthorized:false},()=>{const c=s.getPeerCertificate();console.log(JSON.stringify({fingerprint:c.fingerprint256,validTo:Date.parse(c.valid_to),subject:c.subject.CN}));s.end()});s.on('error',e=>{console.error(e.message);process.exit(1)})`;
  const r = await node.exec(process.execPath, ['-e', script]);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as { fingerprint: string; validTo: number; subject: string };
}

test("each kubelet's serving certificate comes from a CSR rfo approved (kubelet-ca, the node's own names); kubectl logs and exec reach the agent's pod", { timeout: 300_000 }, async () => {
  const kubeletCa = new X509Certificate(await readFile(tls('kubelet-ca.crt')));
  for (const [d, name, node] of [[S(), serverName, sNode], [A(), agentName, aNode]] as const) {
    const current = join(d.kubelet, 'pki', 'kubelet-server-current.pem');
    await eventually(`${name}'s kubelet serving certificate from its CSR`, () => Promise.resolve(existsSync(current)), 120_000);
    const cert = new X509Certificate(await readFile(current));
    assert.ok(cert.verify(kubeletCa.publicKey), `${name}: signed by kubelet-ca`);
    assert.equal(cert.subject, `O=system:nodes\nCN=system:node:${name}`);
    assert.equal(cert.subjectAltName, `DNS:${name}, IP Address:${node.ip}`);
    // kubelet serves it (no longer rfo's first certificate, CN=<node name>)
    await eventually(`${name}'s kubelet serving the CSR certificate`, async () => (await presented(sNode, node.ip, 10250)).fingerprint === cert.fingerprint256, 60_000);
    // its client certificate rotated too (kube-controller-manager approved the node's own request, client-ca signed it)
    const client = new X509Certificate(await readFile(join(d.kubelet, 'pki', 'kubelet-client-current.pem')));
    assert.ok(client.verify(new X509Certificate(await readFile(tls('client-ca.crt'))).publicKey));
    assert.equal(client.subject, `O=system:nodes\nCN=system:node:${name}`);
  }
  const csrs = JSON.parse(await adminOk('get', 'csr', '-o', 'json')) as { items: { spec: { signerName: string; username: string }; status: { conditions?: { type: string; reason: string }[] } }[] };
  for (const name of [serverName, agentName]) {
    const approved = csrs.items.filter((c) => c.spec.signerName === 'kubernetes.io/kubelet-serving' && c.spec.username === `system:node:${name}` && c.status.conditions?.some((x) => x.type === 'Approved' && x.reason === 'RfoNodeOwnNames'));
    assert.ok(approved.length >= 1, `an approved serving CSR of ${name}`);
  }
  assert.match(serverOut, new RegExp(`approved kubelet serving certificate request csr-\\w+ of node ${agentName}`));

  await adminOk('run', 'hello', `--image=${busyboxRef}`, '--image-pull-policy=Never', '--restart=Never', `--overrides={"spec":{"nodeName":"${agentName}"}}`, '--', 'sh', '-c', 'echo hello from the agent; sleep 3600');
  await adminOk('wait', '--for=condition=Ready', 'pod/hello', '--timeout=180s');
  assert.equal((await adminOk('logs', 'hello')).trim(), 'hello from the agent');
  assert.equal((await adminOk('exec', 'hello', '--', 'echo', 'exec works')).trim(), 'exec works');
});

test("hostile serving CSRs are not approved: another node's identity is refused, its name or address denied; one not from a node stays pending", { timeout: 120_000 }, async () => {
  const csrObject = (name: string, pem: string) =>
    JSON.stringify({
      apiVersion: 'certificates.k8s.io/v1',
      kind: 'CertificateSigningRequest',
      metadata: { name },
      spec: { signerName: 'kubernetes.io/kubelet-serving', usages: ['digital signature', 'server auth'], request: Buffer.from(pem).toString('base64') },
    });
  // As the agent's node identity (its kubelet kubeconfig), through its load balancer.
  const asAgent = kubectlIn(aNode, agentFile('kubelet.kubeconfig'));
  // Another node's identity: kube-apiserver's NodeRestriction refuses it before any approver sees it
  // (rfo's approver would deny it too: plan-csr-approval.test.ts).
  const steal = await asAgent(['create', '-f', '-'], csrObject('rfo-renew-steal-identity', csrPem({ commonName: `system:node:${serverName}`, dnsNames: [serverName], ipAddresses: [sNode.ip] })));
  assert.notEqual(steal.code, 0);
  assert.match(steal.stderr, /can only create a node CSR with CN=system:node:rfo-renew-a1/);
  const stealName = await asAgent(['create', '-f', '-'], csrObject('rfo-renew-steal-name', csrPem({ commonName: `system:node:${agentName}`, dnsNames: [agentName, serverName], ipAddresses: [aNode.ip] })));
  assert.equal(stealName.code, 0, stealName.stderr);
  const foreignIp = await asAgent(['create', '-f', '-'], csrObject('rfo-renew-foreign-ip', csrPem({ commonName: `system:node:${agentName}`, dnsNames: [agentName], ipAddresses: [aNode.ip, sNode.ip] })));
  assert.equal(foreignIp.code, 0, foreignIp.stderr);
  // As the admin, naming the agent: not a node's own request.
  const byAdmin = await kubectlIn(sNode, S().kubeconfig)(['create', '-f', '-'], csrObject('rfo-renew-by-admin', csrPem({ commonName: `system:node:${agentName}`, dnsNames: [agentName], ipAddresses: [aNode.ip] })));
  assert.equal(byAdmin.code, 0, byAdmin.stderr);

  const conditions = async (name: string) => (await adminOk('get', 'csr', name, '-o', 'jsonpath={.status.conditions[*].type}')).trim();
  await eventually("another node's name denied", async () => (await conditions('rfo-renew-steal-name')) === 'Denied', 60_000);
  await eventually('foreign address denied', async () => (await conditions('rfo-renew-foreign-ip')) === 'Denied', 60_000);
  await eventually('the admin request logged as pending', () => Promise.resolve(serverOut.includes('request rfo-renew-by-admin left pending')), 60_000);
  assert.equal(await conditions('rfo-renew-by-admin'), '', 'neither approved nor denied');
  assert.match(await adminOk('get', 'csr', 'rfo-renew-foreign-ip', '-o', 'jsonpath={.status.conditions[0].message}'), new RegExp(`${sNode.ip.replaceAll('.', '\\.')}, which rfo registered for node ${serverName}`));
  for (const n of ['rfo-renew-steal-name', 'rfo-renew-foreign-ip', 'rfo-renew-by-admin']) assert.equal((await admin('get', 'csr', n, '-o', 'jsonpath={.status.certificate}')).stdout, '', `${n}: nothing issued`);
});

test('a server leaf near expiry is renewed while rfo runs: only kube-scheduler restarts, its kubeconfig is rewritten', { timeout: 120_000 }, async () => {
  const before = await pids(S().run);
  const agentBefore = await pids(A().run);
  assert.ok(before['kube-scheduler'] && before['kube-apiserver'] && before.etcd && before.kubelet, JSON.stringify(before));
  await makeNearExpiry(leafSpec(serverName, sNode.ip, 'scheduler'), caSpec('client-ca'), tls('client-scheduler.crt'), tls('client-scheduler.key'));
  const took = await eventually('kube-scheduler restarted', async () => {
    const now = await pids(S().run);
    return now['kube-scheduler'] !== undefined && now['kube-scheduler'] !== before['kube-scheduler'];
  }, 60_000, 250);
  process.stderr.write(`client-scheduler renewed and kube-scheduler restarted ${took} ms after the near-expiry certificate was written\n`);
  assert.ok((await notAfter(tls('client-scheduler.crt'))) > Date.now() + 360 * day, 'a fresh year');
  const kubeconfig = await readFile(join(S().data, 'server', 'cred', 'scheduler.kubeconfig'), 'utf8');
  assert.ok(kubeconfig.includes(Buffer.from(await readFile(tls('client-scheduler.crt'), 'utf8')).toString('base64')), 'the kubeconfig embeds the new certificate');
  assert.match(serverOut, /certificates renewed: client-scheduler; restarting kube-scheduler\n/);
  const after = await pids(S().run);
  for (const [name, pid] of Object.entries(before)) if (name !== 'kube-scheduler') assert.equal(after[name], pid, `${name} was not restarted`);
  assert.deepEqual(await pids(A().run), agentBefore, 'nothing on the agent restarted');
  // the scheduler works with its new identity: a pod gets scheduled
  await adminOk('run', 'after-renewal', `--image=${busyboxRef}`, '--image-pull-policy=Never', '--restart=Never', '--', 'true');
  await eventually('after-renewal scheduled', async () => (await adminOk('get', 'pod', 'after-renewal', '-o', 'jsonpath={.spec.nodeName}')).trim() !== '', 60_000);
});

test("the supervisor's certificate is renewed and reloaded into the 9345 listener without a restart", { timeout: 120_000 }, async () => {
  const before = await pids(S().run);
  const startCert = await presented(sNode, sNode.ip, 9345);
  const old = await makeNearExpiry(leafSpec(serverName, sNode.ip, 'serving-supervisor'), caSpec('server-ca'), tls('serving-supervisor.crt'), tls('serving-supervisor.key'));
  await eventually('9345 presenting a renewed certificate', async () => {
    const p = await presented(sNode, sNode.ip, 9345);
    return p.fingerprint !== old.fingerprint256 && p.fingerprint !== startCert.fingerprint && p.validTo > Date.now() + 360 * day;
  }, 60_000, 250);
  assert.equal((await presented(sNode, sNode.ip, 9345)).fingerprint, new X509Certificate(await readFile(tls('serving-supervisor.crt'))).fingerprint256, 'the file on disk is what it serves');
  assert.deepEqual(await pids(S().run), before, 'no component restarted');
  assert.match(serverOut, /certificates renewed: serving-supervisor; reloading supervisor-listener\n/);
});

test("an agent's near-expiry kube-proxy certificate is fetched anew from the server; only kube-proxy restarts", { timeout: 120_000 }, async () => {
  const before = await pids(A().run);
  const serverBefore = await pids(S().run);
  await makeNearExpiry(leafSpec(agentName, aNode.ip, 'kube-proxy'), caSpec('client-ca'), agentFile('client-kube-proxy.crt'), agentFile('client-kube-proxy.key'));
  await eventually('kube-proxy restarted on the agent', async () => {
    const now = await pids(A().run);
    return now['kube-proxy'] !== undefined && now['kube-proxy'] !== before['kube-proxy'];
  }, 60_000, 250);
  assert.ok((await notAfter(agentFile('client-kube-proxy.crt'))) > Date.now() + 360 * day);
  const kubeconfig = await readFile(agentFile('kubeproxy.kubeconfig'), 'utf8');
  assert.ok(kubeconfig.includes(Buffer.from(await readFile(agentFile('client-kube-proxy.crt'), 'utf8')).toString('base64')));
  assert.match(agentOut, /certificates renewed: client-kube-proxy; restarting kube-proxy\n/);
  const after = await pids(A().run);
  for (const [name, pid] of Object.entries(before)) if (name !== 'kube-proxy') assert.equal(after[name], pid, `${name} was not restarted`);
  assert.deepEqual(await pids(S().run), serverBefore);
});

test("the admin certificate is renewed: rfo.yaml and admin.kubeconfig get it, rfo's own client reloads it, nothing restarts", { timeout: 120_000 }, async () => {
  const before = await pids(S().run);
  const old = await makeNearExpiry(leafSpec(serverName, sNode.ip, 'admin'), caSpec('client-ca'), tls('client-admin.crt'), tls('client-admin.key'));
  await eventually('client-admin renewed', async () => (await notAfter(tls('client-admin.crt'))) > Date.now() + 360 * day, 60_000, 250);
  const fresh = await readFile(tls('client-admin.crt'), 'utf8');
  assert.notEqual(new X509Certificate(fresh).fingerprint256, old.fingerprint256);
  const b64 = Buffer.from(fresh).toString('base64');
  await eventually('the kubeconfigs rewritten', async () => (await readFile(S().kubeconfig, 'utf8')).includes(b64) && (await readFile(join(S().data, 'server', 'cred', 'admin.kubeconfig'), 'utf8')).includes(b64), 30_000, 250);
  assert.match(serverOut, /certificates renewed: client-admin; reloading rfo-client\n/);
  assert.deepEqual(await pids(S().run), before, 'no component restarted');
  // rfo's own API traffic still works with the reloaded client: the approver still decides requests
  const r = await kubectlIn(aNode, agentFile('kubelet.kubeconfig'))(['create', '-f', '-'], JSON.stringify({
    apiVersion: 'certificates.k8s.io/v1',
    kind: 'CertificateSigningRequest',
    metadata: { name: 'rfo-renew-after-admin-renewal' },
    spec: { signerName: 'kubernetes.io/kubelet-serving', usages: ['digital signature', 'server auth'], request: Buffer.from(csrPem({ commonName: `system:node:${agentName}`, dnsNames: [agentName], ipAddresses: [aNode.ip] })).toString('base64') },
  }));
  assert.equal(r.code, 0, r.stderr);
  await eventually('the approver approving after the reload', async () => (await adminOk('get', 'csr', 'rfo-renew-after-admin-renewal', '-o', 'jsonpath={.status.conditions[*].type}')).trim() === 'Approved', 60_000);
});

test('a certificate with fewer than 30 days left: a WARNING line and a CertificateExpirationWarning Event on the Node (the agent posts its own)', { timeout: 120_000 }, async () => {
  // The agent's copy of client-ca, re-issued (same key and subject) with 9 days left: CAs are never
  // renewed by rfo, so this is what an expiring CA looks like; kubelet keeps verifying with the same key.
  const path = agentFile('client-ca.crt');
  const original = await readFile(path, 'utf8');
  const spec = caSpec('client-ca');
  const key = createPrivateKey(await readFile(tls('client-ca.key'), 'utf8'));
  await writeFileAtomic(path, issueCertificate(spec, { now: new Date(Date.now() - (spec.validityDays - 9.5) * day), key }).certPem, 0o644);
  try {
    await eventually('the warning in the agent log', () => Promise.resolve(new RegExp(`WARNING: certificate client-ca\\.crt of node ${agentName} expires in 9 days`).test(agentOut)), 60_000, 250);
    await eventually('the Event', async () => {
      const events = await adminOk('get', 'events', '-n', 'default', '--field-selector', `reason=CertificateExpirationWarning,involvedObject.name=${agentName}`, '-o', 'jsonpath={range .items[*]}{.type} {.involvedObject.kind} {.message}{"\\n"}{end}');
      return events.includes(`Warning Node certificate client-ca.crt of node ${agentName} expires in 9 days`);
    }, 60_000, 500);
  } finally {
    await writeFileAtomic(path, original, 0o644);
  }
});

function fetchMetrics(authorization?: string): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: sNode.ip, port: 9345, path: '/metrics', rejectUnauthorized: false, headers: authorization ? { authorization } : {} }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('GET /metrics on 9345: 401 without credentials, one expiry series per certificate with the token', { timeout: 60_000 }, async () => {
  // The test process runs in the host namespace: it reaches the server through its test node's address.
  assert.equal((await fetchMetrics()).status, 401);
  assert.equal((await fetchMetrics(`Basic ${Buffer.from('server:wrong').toString('base64')}`)).status, 401);
  const password = (await readFile(join(S().data, 'server', 'node-token'), 'utf8')).trim().split(':').at(-1) ?? '';
  const r = await fetchMetrics(`Basic ${Buffer.from(`node:${password}`).toString('base64')}`);
  assert.equal(r.status, 200);
  assert.equal(r.type, 'text/plain; version=0.0.4; charset=utf-8');
  assert.match(r.body, /^# TYPE rfo_certificate_expiration_timestamp_seconds gauge$/m);
  const series = new Map([...r.body.matchAll(/^rfo_certificate_expiration_timestamp_seconds\{name="([^"]+)",node="([^"]+)"\} (\d+)$/gm)].map((m) => [m[1] ?? '', { node: m[2], value: Number(m[3]) }]));
  for (const name of ['server-ca.crt', 'kubelet-ca.crt', 'client-admin.crt', 'serving-kube-apiserver.crt', 'etcd/peer-server-client.crt', 'client-scheduler.crt', 'kubelet-server-current.pem']) {
    assert.ok(series.has(name), `${name} in\n${r.body}`);
    assert.equal(series.get(name)?.node, serverName);
  }
  assert.equal(series.get('client-scheduler.crt')?.value, Math.floor((await notAfter(tls('client-scheduler.crt'))) / 1000));
  assert.equal(new Set(series.keys()).size, r.body.split('\n').filter((l) => l.startsWith('rfo_')).length, 'one series per certificate');
});
