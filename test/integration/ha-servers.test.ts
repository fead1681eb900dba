// End to end: three servers and one agent in a lab. Servers join etcd as
// voters; when one server's processes are killed the API still takes
// writes, the agent stays Ready (its load balancer moves to another
// apiserver), and the server rejoins with nothing lost; removing a server's
// etcd label (as flannel's credential, or as admin) removes no member, while
// deleting a stopped server's Node does; snapshots of several servers are listed
// side by side; a restore on one server is followed by the other rejoining.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { repoRoot } from '../../src/build/paths.ts';
import { labDown, labExec, labUp, startNode, stopNode } from '../../src/lab/lab.ts';
import { readState } from '../../src/lab/lab-state.ts';
import { eventually, labHelpers } from './helpers/lab-cluster.ts';

let root = '';
const labDir = () => join(root, 'lab');
const { kubectl, kubectlOk, applyOk, nodeReady } = labHelpers(labDir);

before(async () => {
  root = await mkdtemp('/var/tmp/rfo-ha-');
  await labUp({ servers: 3, agents: 1, labDir: labDir(), subnet: '10.197.30.0/24', name: 'rfoha', log: (l) => process.stderr.write(`${l}\n`) });
});

after(async () => {
  await labDown({ labDir: labDir() }).catch((err: unknown) => process.stderr.write(`lab down: ${String(err)}\n`));
  await rm(root, { recursive: true, force: true });
});

interface Member {
  name: string;
  isLearner?: boolean;
}

async function members(on: string): Promise<Member[]> {
  const tls = '/var/lib/rancher/rfo/server/tls/etcd';
  const r = await labExec(on, ['/var/lib/rancher/rfo/bin/etcdctl', '--endpoints', 'https://127.0.0.1:2379', '--cacert', `${tls}/server-ca.crt`, '--cert', `${tls}/client.crt`, '--key', `${tls}/client.key`, 'member', 'list', '-w', 'json'], { labDir: labDir() });
  assert.equal(r.code, 0, r.stderr);
  return (JSON.parse(r.stdout.replace(/"(ID|cluster_id|member_id)":(\d+)/g, '"$1":"$2"')) as { members: Member[] }).members;
}

test('three servers are etcd voters and Ready; the agent knows every apiserver', { timeout: 120_000 }, async () => {
  const m = await members('s1');
  assert.deepEqual(m.map((x) => x.name).sort(), ['s1', 's2', 's3']);
  assert.ok(m.every((x) => x.isLearner !== true), 'all promoted');
  for (const n of ['s1', 's2', 's3', 'a1']) assert.equal(await nodeReady(n), 'True', n);
  await eventually('the agent to learn all three apiservers', async () => {
    const r = await labExec('a1', ['cat', '/var/lib/rancher/rfo/agent/etc/rfo-agent-load-balancer.json'], { labDir: labDir() });
    return ((JSON.parse(r.stdout) as { servers: string[] }).servers ?? []).length === 3;
  }, 60_000);
});

test('one helm-controller acts for the cluster: its lease names one server, and CoreDNS was installed by one job', { timeout: 120_000 }, async () => {
  const holder = (await kubectlOk('-n', 'kube-system', 'get', 'lease', 'helm-controller-lock', '-o', 'jsonpath={.spec.holderIdentity}')).trim();
  assert.ok(['s1', 's2', 's3'].includes(holder), `lease holder ${holder}`);
  // every server runs a controller (each lab node has its own hostname, the lease identity); the others wait for the lease
  for (const n of ['s1', 's2', 's3']) {
    const log = readFileSync(join(labDir(), n, 'var-lib-rancher', 'rfo', 'agent', 'logs', 'helm-controller.log'), 'utf8');
    assert.ok(log.length > 0, `${n} ran helm-controller`);
  }
  assert.equal((await kubectlOk('-n', 'kube-system', 'get', 'job', 'helm-install-rfo-coredns', '-o', 'jsonpath={.status.succeeded}')).trim(), '1');
  assert.equal((await kubectlOk('-n', 'kube-system', 'get', 'secrets', '-l', 'owner=helm,name=rfo-coredns', '-o', 'name')).trim().split('\n').length, 1, 'one release revision: the three servers wrote the same HelmChart');
});

test('every server registered its own node password, so no agent can take a server name', { timeout: 30_000 }, async () => {
  const secrets = await kubectlOk('-n', 'kube-system', 'get', 'secrets', '-o', 'name');
  for (const n of ['s1', 's2', 's3', 'a1']) assert.match(secrets, new RegExp(`secret/${n}\\.node-password\\.rfo`), n);
});

// Secrets encryption across the three servers (secrets/encryption-service.ts).
const rfoBin = join(repoRoot, 'bin', 'rfo');
const encLiteral = 'ha-canary-51d0';
/** rfo secrets-encrypt on a server, against that server's own supervisor (s2/s3's config names s1 in server:). */
const enc = (on: string, ...args: string[]) => labExec(on, [rfoBin, 'secrets-encrypt', ...args, '--server', 'https://127.0.0.1:9345'], { labDir: labDir() });
async function encStatus(on: string): Promise<{ stage: string; activekey: string; inactivekeys: string[]; hashmatch: boolean; hasherror: string; hint?: string; servers: { name: string; reencrypting?: boolean }[] }> {
  const r = await enc(on, 'status', '-o', 'json');
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as Awaited<ReturnType<typeof encStatus>>;
}
/** How many of the namespace's Secrets etcd holds encrypted with this key (the raw values, read on a server). */
async function encryptedWith(on: string, key: string, namespace = 'enc'): Promise<number> {
  const tls = '/var/lib/rancher/rfo/server/tls/etcd';
  const r = await labExec(on, ['sh', '-c', `/var/lib/rancher/rfo/bin/etcdctl --endpoints https://127.0.0.1:2379 --cacert ${tls}/server-ca.crt --cert ${tls}/client.crt --key ${tls}/client.key get --prefix /registry/secrets/${namespace}/ --print-value-only | grep -a -o 'k8s:enc:[a-z]*:v1:${key}:' | wc -l`], { labDir: labDir() });
  assert.equal(r.code, 0, r.stderr);
  return Number(r.stdout.trim());
}
async function secretsReadableThrough(on: string, n: number): Promise<void> {
  const r = await labExec(on, ['/var/lib/rancher/rfo/bin/kubectl', '--kubeconfig', '/etc/rancher/rfo/rfo.yaml', '-n', 'enc', 'get', 'secrets', '-o', 'json'], { labDir: labDir() });
  assert.equal(r.code, 0, r.stderr);
  const items = (JSON.parse(r.stdout) as { items: { metadata: { name: string }; data?: { v?: string } }[] }).items;
  assert.equal(items.length, n, `Secrets listed through ${on}`);
  for (const i of items) assert.equal(Buffer.from(i.data?.v ?? '', 'base64').toString(), `${encLiteral}-${i.metadata.name}`, `${i.metadata.name} through ${on}`);
}

test('rotate-keys across three servers: each stage reaches every server; 2,000 Secrets readable through every server and encrypted with the new key only', { timeout: 900_000 }, async () => {
  await kubectlOk('create', 'namespace', 'enc');
  for (let batch = 0; batch < 4; batch++) {
    const items = Array.from({ length: 500 }, (_, i) => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name: `s-${batch * 500 + i}`, namespace: 'enc' }, stringData: { v: `${encLiteral}-s-${batch * 500 + i}` } }));
    await applyOk(JSON.stringify({ apiVersion: 'v1', kind: 'List', items }));
  }
  const before = await encStatus('s2');
  assert.deepEqual([before.stage, before.hashmatch, before.activekey], ['start', true, 'aescbckey'], before.hasherror);
  assert.equal(await encryptedWith('s3', 'aescbckey'), 2000);
  const t0 = Date.now();
  const r = await enc('s1', 'rotate-keys');
  assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
  process.stderr.write(`rotate-keys on 3 servers, 2,000 Secrets: ${((Date.now() - t0) / 1000).toFixed(1)} s\n${r.stderr}`);
  // The stages as they went: prepare and rotate each waited for all three servers.
  assert.match(r.stderr, /stage prepare[\s\S]*stage (rotate|reencrypt_active)[\s\S]*/);
  const after = await encStatus('s3');
  assert.equal(after.stage, 'reencrypt_finished');
  assert.deepEqual(after.inactivekeys, [], 'the old key is removed once every Secret was rewritten');
  assert.match(after.activekey, /^aescbckey-/);
  assert.equal(await encryptedWith('s2', after.activekey), 2000);
  assert.equal(await encryptedWith('s2', 'aescbckey'), 0);
  for (const n of ['s1', 's2', 's3']) await secretsReadableThrough(n, 2000);
  await eventually('every server to load the configuration without the old key', async () => (await encStatus('s1')).hashmatch, 120_000, 3000);
});

test('a server killed mid-reencrypt loses nothing; status says what to do; reencrypt on another server finishes it; the killed one adopts the result at start', { timeout: 900_000 }, async () => {
  const progressEvents = async () => (await kubectl('get', 'events', '-A', '--field-selector', 'reason=SecretsProgress,involvedObject.name=s1', '-o', 'name')).stdout.trim().split('\n').filter(Boolean).length;
  const earlier = await progressEvents();
  const run = enc('s1', 'rotate-keys');
  // Killed once s1 reports rewriting (a new SecretsProgress event, one per 50 Secrets): the rewrite is under way.
  await eventually('s1 to be rewriting Secrets', async () => (await progressEvents()) > earlier, 400_000, 300);
  await stopNode('s1', { labDir: labDir(), hard: true });
  await run.catch(() => undefined);
  const st = await encStatus('s2');
  assert.equal(st.stage, 'reencrypt_active');
  assert.match(st.hint ?? '', /started by s1 is not running.*rfo secrets-encrypt reencrypt/);
  const newKey = st.activekey;
  const partly = await encryptedWith('s2', newKey);
  process.stderr.write(`killed mid-reencrypt: ${partly} of 2,000 Secrets rewritten\n`);
  assert.ok(st.inactivekeys.length === 1, 'the old key still reads');
  await secretsReadableThrough('s2', 2000);
  const resume = await enc('s2', 'reencrypt');
  assert.equal(resume.code, 0, resume.stderr);
  assert.match(resume.stdout, /reencryption started/);
  await eventually('the reencryption to finish on s2', async () => (await encStatus('s2')).stage === 'reencrypt_finished', 300_000, 2000);
  assert.equal(await encryptedWith('s3', newKey), 2000);
  await startNode('s1', { labDir: labDir(), wait: true, readyTimeoutMs: 300_000 });
  await secretsReadableThrough('s1', 2000);
  await eventually('all three servers to agree again', async () => (await encStatus('s1')).hashmatch, 180_000, 3000);
  await kubectlOk('delete', 'namespace', 'enc', '--wait=false');
});

test("removing a server's etcd label removes no member: flannel's credential may not, and admin's label change is not a deletion", { timeout: 180_000 }, async () => {
  const label = 'node-role.kubernetes.io/etcd';
  const asFlannel = (...args: string[]) => labExec('a1', ['/var/lib/rancher/rfo/bin/kubectl', '--kubeconfig', '/var/lib/rancher/rfo/agent/flannel.kubeconfig', ...args], { labDir: labDir() });
  const viaLabel = await asFlannel('label', 'node', 's2', `${label}-`);
  assert.notEqual(viaLabel.code, 0, 'flannel may not patch Nodes');
  assert.match(viaLabel.stderr, /forbidden/i);
  // flannel may patch nodes/status (it writes its annotations there), and Kubernetes lets a status
  // patch change labels too: that is why a label must never decide a removal.
  const viaStatus = await asFlannel('patch', 'node', 's2', '--subresource=status', '--type=merge', '-p', JSON.stringify({ metadata: { labels: { [label]: null } } }));
  process.stderr.write(`flannel status patch removing the label: exit ${viaStatus.code} ${viaStatus.stderr.trim()}\n`);
  await kubectlOk('label', 'node', 's2', `${label}-`);
  assert.doesNotMatch(await kubectlOk('get', 'node', 's2', '--show-labels'), /node-role\.kubernetes\.io\/etcd=/);
  // more than two watcher periods (10 s each) on every server
  await new Promise((r) => setTimeout(r, 35_000));
  assert.deepEqual((await members('s1')).map((x) => x.name).sort(), ['s1', 's2', 's3']);
  await kubectlOk('label', 'node', 's2', `${label}=true`, '--overwrite');
});

interface SnapshotObject {
  spec: { snapshotName: string; nodeName: string; location: string };
  status?: { readyToUse?: boolean };
}

test("each server's snapshots are ETCDSnapshotFile objects side by side; a server's sync keeps the others'", { timeout: 180_000 }, async () => {
  const rfo = join(repoRoot, 'bin', 'rfo');
  for (const n of ['s1', 's2']) {
    const r = await labExec(n, [rfo, 'etcd-snapshot', 'save', '--name', 'ha', '--node-name', n], { labDir: labDir() });
    assert.equal(r.code, 0, r.stdout + r.stderr);
  }
  // s2's save synced the objects of s2 after s1's: s1's object must still be there
  const items = (JSON.parse(await kubectlOk('get', 'etcdsnapshotfiles', '-o', 'json')) as { items: SnapshotObject[] }).items.filter((o) => o.spec.snapshotName.startsWith('ha-'));
  assert.deepEqual(items.map((o) => o.spec.nodeName).sort(), ['s1', 's2']);
  for (const o of items) {
    assert.match(o.spec.snapshotName, new RegExp(`^ha-${o.spec.nodeName}-\\d+$`));
    assert.match(o.spec.location, /^file:\/\/\/var\/lib\/rancher\/rfo\/server\/db\/snapshots\//);
    assert.equal(o.status?.readyToUse, true, o.spec.snapshotName);
  }
  // each server's list shows its own local file
  const listed = await labExec('s2', [rfo, 'etcd-snapshot', 'list', '-o', 'json', '--node-name', 's2'], { labDir: labDir() });
  assert.equal(listed.code, 0, listed.stderr);
  assert.deepEqual((JSON.parse(listed.stdout) as { file: string }[]).map((r) => r.file).filter((f) => f.startsWith('ha-')).map((f) => f.replace(/\d+$/, '')), ['ha-s2-']);
});

test('a server dies: writes go on, the agent stays Ready, and the server rejoins with nothing lost', { timeout: 600_000 }, async () => {
  await kubectlOk('create', 'configmap', 'before', '--from-literal=k=v1');
  await stopNode('s1', { labDir: labDir() });
  // labKubectl now goes through s2: the API still takes writes with one server of three gone.
  // When s1 held etcd's leadership, writes wait for the election (election-timeout 5 s) and a
  // request in that window fails with "request timed out, possibly due to previous leader
  // failure", as for any etcd client: retry as a client does, bounded.
  const stopped = Date.now();
  let lastError = '';
  await eventually('a write through s2', async () => {
    const r = await kubectl('create', 'configmap', 'during', '--from-literal=k=v2');
    lastError = r.stderr;
    return r.code === 0 || /AlreadyExists/.test(r.stderr);
  }, 60_000, 1000).catch((err: unknown) => assert.fail(`${String(err)}: ${lastError}`));
  process.stderr.write(`writable again ${((Date.now() - stopped) / 1000).toFixed(1)} s after s1 stopped\n`);
  // Once the control plane has noticed s1 is gone, the agent must still be Ready.
  await eventually('s1 to become NotReady', async () => (await nodeReady('s1')) !== 'True', 240_000, 2000);
  assert.equal(await nodeReady('a1'), 'True', 'the agent stays Ready while a server is down');
  // ... and its kubelet really talks to a live apiserver through the load balancer:
  const viaAgent = await labExec('a1', ['/var/lib/rancher/rfo/bin/kubectl', '--kubeconfig', '/var/lib/rancher/rfo/agent/kubelet.kubeconfig', 'get', 'node', 'a1', '-o', 'name'], { labDir: labDir() });
  assert.equal(viaAgent.stdout.trim(), 'node/a1', viaAgent.stderr);

  await startNode('s1', { labDir: labDir(), wait: true });
  await eventually('s1 Ready again', async () => (await nodeReady('s1')) === 'True', 240_000);
  // s1 is the first running server again, so these reads go through it
  assert.equal((await kubectlOk('get', 'configmap', 'before', '-o', 'jsonpath={.data.k}')).trim(), 'v1');
  assert.equal((await kubectlOk('get', 'configmap', 'during', '-o', 'jsonpath={.data.k}')).trim(), 'v2');
  assert.deepEqual((await members('s1')).map((x) => x.name).sort(), ['s1', 's2', 's3']);
});

test('deleting a server Node removes its etcd member', { timeout: 300_000 }, async () => {
  await stopNode('s3', { labDir: labDir() });
  await kubectlOk('delete', 'node', 's3');
  await eventually('s3 to leave etcd', async () => !(await members('s1')).some((m) => m.name === 's3'), 120_000);
  assert.deepEqual((await members('s2')).map((x) => x.name).sort(), ['s1', 's2']);
  const writes = await kubectl('create', 'configmap', 'after-removal', '--from-literal=k=v3');
  assert.equal(writes.code, 0, `two voters of two still take writes: ${writes.stderr}`);
});

test('restore on one server of an HA cluster; the other server rejoins by the steps the reset printed', { timeout: 900_000 }, async () => {
  const rfo = join(repoRoot, 'bin', 'rfo');
  const inS1 = (argv: string[]) => labExec('s1', argv, { labDir: labDir() });
  await kubectlOk('create', 'configmap', 'in-snapshot', '--from-literal=k=v4');
  const saved = await inS1([rfo, 'etcd-snapshot', 'save', '--name', 'restore', '--node-name', 's1']);
  assert.equal(saved.code, 0, saved.stdout + saved.stderr);
  const rows = JSON.parse((await inS1([rfo, 'etcd-snapshot', 'list', '-o', 'json', '--node-name', 's1'])).stdout) as { file: string; location: string }[];
  const snapshot = rows.find((r) => r.file.startsWith('restore-s1-'))?.location.replace(/^file:\/\//, '');
  assert.ok(snapshot, JSON.stringify(rows));
  await kubectlOk('create', 'configmap', 'after-snapshot', '--from-literal=k=v5');

  await stopNode('s2', { labDir: labDir() });
  await stopNode('s1', { labDir: labDir() });
  const argv = (await readState(labDir()))?.nodes.find((n) => n.name === 's1')?.argv ?? [];
  assert.ok(argv.length > 0);
  // labExec on a stopped node: a fresh mount namespace with s1's private dirs
  const reset = await inS1([...argv, '--cluster-reset', `--cluster-reset-restore-path=${snapshot}`]);
  const said = reset.stdout + reset.stderr;
  assert.equal(reset.code, 0, said);
  assert.match(said, /On every other server: stop rfo[\s\S]*move away \/var\/lib\/rancher\/rfo\/server\/db/);
  assert.ok(readdirSync(join(labDir(), 's1', 'var-lib-rancher', 'rfo', 'server', 'db')).some((d) => d.startsWith('etcd-old-')), 'the old etcd data is kept');

  await startNode('s1', { labDir: labDir(), readyTimeoutMs: 300_000 });
  assert.deepEqual((await members('s1')).map((m) => m.name), ['s1']);
  // the printed steps on s2: rfo is stopped; move server/db away (a backup), start rfo
  const db = join(labDir(), 's2', 'var-lib-rancher', 'rfo', 'server', 'db');
  await rename(db, `${db}-before-reset`);
  await startNode('s2', { labDir: labDir(), readyTimeoutMs: 300_000 });
  await eventually('s2 to be a voter again', async () => {
    const m = await members('s1');
    return m.map((x) => x.name).sort().join() === 's1,s2' && m.every((x) => x.isLearner !== true);
  }, 120_000);

  assert.match(await kubectlOk('get', 'configmap', 'in-snapshot', '-o', 'jsonpath={.data.k}'), /^v4$/);
  assert.match((await kubectl('get', 'configmap', 'after-snapshot')).stderr, /NotFound/, 'objects made after the snapshot are gone');
  for (const n of ['s1', 's2', 'a1']) await eventually(`${n} Ready after the restore`, async () => (await nodeReady(n)) === 'True', 240_000, 2000);
  // a write through s2 reaches s1's etcd: one cluster again
  await labExec('s2', ['/var/lib/rancher/rfo/bin/kubectl', '--kubeconfig', '/etc/rancher/rfo/rfo.yaml', 'create', 'configmap', 'via-s2'], { labDir: labDir() });
  assert.match(await kubectlOk('get', 'configmap', 'via-s2', '-o', 'name'), /via-s2/);
});
