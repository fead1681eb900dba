// `rfo certificate` against a real cluster: a lab of one server and one
// agent. check lists every certificate of each node; rotate is refused while
// rfo runs and for an unknown service, changing nothing; `--service kubelet`
// changes only kubelet's files; a full rotation on both nodes gives new
// leaves under the same CAs and a Ready cluster; and a server and an agent
// whose leaves are already expired (issued a year back with the test-only
// RFO_TEST_CERT_ISSUE_OFFSET_DAYS) start as usual, renew, and are Ready.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate, createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { repoRoot } from '../../src/build/paths.ts';
import { labDown, labExec, labUp, startNode, stopNode } from '../../src/lab/lab.ts';
import { readState, writeState } from '../../src/lab/lab-state.ts';
import { planInventory } from '../../src/pki/plan-inventory.ts';
import { eventually, labHelpers } from './helpers/lab-cluster.ts';

let root = '';
const labDir = () => join(root, 'lab');
const { kubectlOk, nodeReady } = labHelpers(labDir);
const rfo = join(repoRoot, 'bin', 'rfo');
const log = (l: string) => process.stderr.write(`${l}\n`);
/** A node's data dir as the host sees it. */
const dataDir = (node: string) => join(labDir(), node, 'var-lib-rancher', 'rfo');

before(async () => {
  root = await mkdtemp('/var/tmp/rfo-cert-');
  await labUp({ servers: 1, agents: 1, labDir: labDir(), subnet: '10.197.70.0/24', name: 'rfocert', log });
});

after(async () => {
  await labDown({ labDir: labDir() }).catch((err: unknown) => log(`lab down: ${String(err)}`));
  await rm(root, { recursive: true, force: true });
});

const runDirOf = async (node: string) => {
  const n = (await readState(labDir()))?.nodes.find((x) => x.name === node);
  assert.ok(n, node);
  return n.runDir;
};
/** `rfo certificate ...` inside the node (its namespaces if it runs, its private dirs if not). */
const certCmd = async (node: string, ...args: string[]) => labExec(node, [rfo, 'certificate', ...args, '--run-dir', await runDirOf(node)], { labDir: labDir() });

interface JsonRow {
  file: string;
  service: string | null;
  kind: string;
  status: string;
  daysLeft: number;
  issuer: string;
  embedded?: boolean;
}
/** `check` exits 1 when a certificate has expired (scripts and monitoring see it), 0 otherwise. */
const checkJson = async (node: string, expectedCode = 0) => {
  const r = await certCmd(node, 'check', '-o', 'json');
  assert.equal(r.code, expectedCode, r.stderr);
  if (expectedCode === 1) assert.match(r.stderr, /certificate\(s\) expired.*rfo certificate rotate/);
  return JSON.parse(r.stdout) as JsonRow[];
};

/** sha256 of every certificate and key file rfo manages on the node (host view). */
async function fingerprints(node: string, role: 'server' | 'agent'): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const c of planInventory(role)) {
    for (const f of [c.certFile, ...(c.keyFile ? [c.keyFile] : [])]) {
      const content = await readFile(join(dataDir(node), f)).catch(() => undefined);
      if (content) out.set(f, createHash('sha256').update(content).digest('hex'));
    }
  }
  return out;
}

const backups = async (node: string, dir: string) => (await readdir(join(dataDir(node), dir)).catch(() => [] as string[])).filter((d) => /^tls-\d+$/.test(d));

test('check lists every certificate of the server (CAs, etcd) and of the agent, all ok', { timeout: 60_000 }, async () => {
  const server = await checkJson('s1');
  const files = new Set(server.map((r) => r.file));
  for (const c of planInventory('server')) assert.ok(files.has(c.certFile), `missing ${c.certFile}`);
  assert.ok(server.every((r) => r.status === 'ok' && r.daysLeft >= 364), JSON.stringify(server.filter((r) => r.status !== 'ok')));
  assert.equal(server.find((r) => r.file === 'server/tls/etcd/peer-server-client.crt')?.issuer, 'CN=etcd-peer-ca');
  assert.equal(server.filter((r) => r.embedded).length, 0, 'every kubeconfig certificate is a file too');
  const agent = await checkJson('a1');
  assert.deepEqual(agent.map((r) => r.file).sort(), planInventory('agent').map((c) => c.certFile).sort());
  const table = await certCmd('a1', 'check', '--service', 'kubelet');
  assert.equal(table.code, 0, table.stderr);
  assert.match(table.stdout, /^FILENAME +SUBJECT +USAGES +EXPIRES +RESIDUAL-TIME +STATUS\n/);
  assert.match(table.stdout, /agent\/client-kubelet\.crt +system:node:a1 +ClientAuth +\w{3} \d\d, \d{4} \d\d:\d\d UTC +36[45] days +ok\n/);
  assert.equal(table.stdout.trim().split('\n').length, 4, 'header, rule, two kubelet certificates');
});

test('rotate is refused while rfo runs, and for an unknown service; nothing changes', { timeout: 60_000 }, async () => {
  const before = await fingerprints('s1', 'server');
  const running = await certCmd('s1', 'rotate');
  assert.equal(running.code, 1, running.stderr);
  assert.match(running.stderr, /RFO_RUNNING\]: rfo is running for run dir .* \(pid \d+\); certificates are rotated while it is stopped; nothing was changed\n {2}hint: stop it/);
  const unknown = await certCmd('s1', 'rotate', '--service', 'kubelet,kubelett');
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /unknown certificate service "kubelett"; nothing was changed\n {2}hint: valid services: admin, api-server, controller-manager, scheduler, rfo-controller, rfo-server, cloud-controller, etcd, auth-proxy, kubelet, kube-proxy/);
  const agentOnly = await certCmd('a1', 'rotate', '--service', 'etcd');
  assert.equal(agentOnly.code, 2);
  assert.match(agentOnly.stderr, /etcd has no certificates on an agent node/);
  assert.deepEqual(await fingerprints('s1', 'server'), before);
  assert.deepEqual(await backups('s1', 'server'), []);
});

test('rotate --service kubelet changes only kubelet\'s files; after a restart the node is Ready with new kubelet certificates', { timeout: 900_000 }, async () => {
  await stopNode('a1', { labDir: labDir(), log });
  await stopNode('s1', { labDir: labDir(), log });
  const before = await fingerprints('s1', 'server');
  const r = await certCmd('s1', 'rotate', '--service', 'kubelet');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /certificates rotated \(kubelet\); restart rfo to apply/);
  const [backup] = await backups('s1', 'server');
  assert.ok(backup, 'server/tls-<unix> backup');
  const saved = createHash('sha256').update(await readFile(join(dataDir('s1'), 'server', backup, 'client-kubelet.key'))).digest('hex');
  assert.equal(saved, before.get('server/tls/client-kubelet.key'), 'the backup holds the old kubelet key');
  assert.ok(existsSync(join(dataDir('s1'), 'server', backup, 'etcd', 'peer-ca.key')), 'the whole tls dir is in the backup');
  const removed = [...before.keys()].filter((f) => !existsSync(join(dataDir('s1'), f)));
  assert.deepEqual(removed.sort(), ['server/tls/client-kubelet.crt', 'server/tls/client-kubelet.key', 'server/tls/serving-kubelet.crt', 'server/tls/serving-kubelet.key']);

  await startNode('s1', { labDir: labDir(), log });
  await startNode('a1', { labDir: labDir(), log });
  const after = await fingerprints('s1', 'server');
  const changed = [...after.keys()].filter((f) => after.get(f) !== before.get(f)).sort();
  assert.deepEqual(changed, removed.sort(), 'only kubelet\'s certificates and keys are new');
  await eventually('both nodes Ready', async () => (await nodeReady('s1')) === 'True' && (await nodeReady('a1')) === 'True', 180_000);
});

test('a full rotation on the server and the agent: new leaves under the same CAs, every kubeconfig works, both Ready', { timeout: 900_000 }, async () => {
  await stopNode('a1', { labDir: labDir(), log });
  await stopNode('s1', { labDir: labDir(), log });
  const server = await fingerprints('s1', 'server');
  const agent = await fingerprints('a1', 'agent');
  const s = await certCmd('s1', 'rotate');
  assert.equal(s.code, 0, s.stderr);
  const a = await certCmd('a1', 'rotate');
  assert.equal(a.code, 0, a.stderr);
  assert.match(a.stdout, /certificates rotated \(kubelet, kube-proxy, rfo-controller\); restart rfo to apply/);
  const [agentBackup] = await backups('a1', 'agent');
  assert.ok(agentBackup && existsSync(join(dataDir('a1'), 'agent', agentBackup, 'client-kubelet.key')), 'agent/tls-<unix> holds the agent\'s files');
  for (const c of planInventory('server').filter((x) => x.kind === 'leaf')) assert.ok(!existsSync(join(dataDir('s1'), c.certFile)), c.certFile);
  for (const c of planInventory('server').filter((x) => x.kind === 'ca')) assert.ok(existsSync(join(dataDir('s1'), c.certFile)), c.certFile);

  await startNode('s1', { labDir: labDir(), log });
  await startNode('a1', { labDir: labDir(), log });
  const serverAfter = await fingerprints('s1', 'server');
  for (const c of planInventory('server')) {
    if (c.kind === 'ca') assert.equal(serverAfter.get(c.certFile), server.get(c.certFile), `${c.certFile} kept`);
    else assert.notEqual(serverAfter.get(c.certFile), server.get(c.certFile), `${c.certFile} new`);
  }
  const agentAfter = await fingerprints('a1', 'agent');
  assert.notEqual(agentAfter.get('agent/client-kubelet.crt'), agent.get('agent/client-kubelet.crt'));
  await eventually('both nodes Ready', async () => (await nodeReady('s1')) === 'True' && (await nodeReady('a1')) === 'True', 180_000);
  // kubectl through the admin kubeconfig written at the start, and the kube-proxy/flannel identities on the agent.
  assert.match(await kubectlOk('get', 'nodes'), /a1 +Ready/);
  const proxy = await labExec('a1', [join('/var/lib/rancher/rfo/bin/kubectl'), '--kubeconfig', '/var/lib/rancher/rfo/agent/kubeproxy.kubeconfig', 'auth', 'whoami', '-o', 'jsonpath={.status.userInfo.username}'], { labDir: labDir() });
  assert.equal(proxy.stdout.trim(), 'system:kube-proxy', proxy.stderr);
});

/** Start a node with the test-only issue clock set (the lab runs rfo with a fixed environment, so via env(1) in its argv). */
async function withIssueOffset<T>(node: string, days: number, fn: () => Promise<T>): Promise<T> {
  const state = await readState(labDir());
  const n = state?.nodes.find((x) => x.name === node);
  assert.ok(state && n);
  const argv = n.argv;
  Object.assign(n, { argv: ['/usr/bin/env', `RFO_TEST_CERT_ISSUE_OFFSET_DAYS=${days}`, ...argv] });
  await writeState(state);
  try {
    return await fn();
  } finally {
    const now = await readState(labDir());
    const m = now?.nodes.find((x) => x.name === node);
    if (now && m) {
      Object.assign(m, { argv });
      await writeState(now);
    }
  }
}

const notAfter = async (node: string, file: string) => {
  const pem = await readFile(join(dataDir(node), file), 'utf8').catch(() => '');
  return pem ? new Date(new X509Certificate(pem).validTo) : undefined;
};
const expired = async (node: string, file: string) => ((await notAfter(node, file))?.getTime() ?? Infinity) < Date.now();

test('a server and an agent whose leaves expired (a year powered off) start, renew offline and are Ready', { timeout: 1_200_000 }, async () => {
  await stopNode('a1', { labDir: labDir(), log });
  await stopNode('s1', { labDir: labDir(), log });
  // 1. The server issues the agent's certificates a year back: the agent stores expired ones.
  await withIssueOffset('s1', -400, async () => {
    await startNode('s1', { labDir: labDir(), log });
    await startNode('a1', { labDir: labDir(), log, wait: false });
    await eventually('the agent stored expired certificates', () => expired('a1', 'agent/client-kubelet.crt'), 180_000);
    await stopNode('a1', { labDir: labDir(), log });
    await stopNode('s1', { labDir: labDir(), log });
    // 2. The server's own leaves, issued a year back too (it cannot become ready with them: stopped once written).
    const r = await certCmd('s1', 'rotate');
    assert.equal(r.code, 0, r.stderr);
    await startNode('s1', { labDir: labDir(), log, wait: false });
    await eventually('the server wrote expired leaves and kubeconfigs', async () => (await expired('s1', 'server/tls/etcd/client.crt')) && (await expired('s1', 'server/tls/client-kubelet.crt')) && existsSync(join(dataDir('s1'), 'server/cred/admin.kubeconfig')), 180_000);
    await stopNode('s1', { labDir: labDir(), log });
  });
  const stale = await checkJson('s1', 1);
  assert.ok(stale.filter((r) => r.kind === 'leaf').every((r) => r.status === 'expired'), JSON.stringify(stale.filter((r) => r.kind === 'leaf' && r.status !== 'expired')));
  assert.ok((await checkJson('a1', 1)).filter((r) => r.kind === 'leaf').every((r) => r.status === 'expired'));

  // 3. Ordinary starts, no manual step: the server renews offline, the agent fetches new certificates.
  const t0 = Date.now();
  await startNode('s1', { labDir: labDir(), log });
  await startNode('a1', { labDir: labDir(), log });
  log(`expired server + agent back to Ready in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
  await eventually('both nodes Ready', async () => (await nodeReady('s1')) === 'True' && (await nodeReady('a1')) === 'True', 180_000);
  const fresh = [...(await checkJson('s1')), ...(await checkJson('a1'))];
  assert.deepEqual(fresh.filter((r) => r.status !== 'ok').map((r) => r.file), []);
  assert.ok(fresh.every((r) => r.daysLeft >= 364 || r.kind === 'ca'));
});
