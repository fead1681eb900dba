// etcd snapshots end to end on a real single-node cluster in a test node,
// with a real S3 server (versitygw, built from source, TLS from a custom CA)
// on the node's loopback: save local + S3, list, ETCDSnapshotFile objects,
// restore each way after deleting 1,000 ConfigMaps and 1,000 Secrets, refused
// corrupt/truncated/empty/missing restores, kill -9 during save, and
// scheduled snapshots with retention and an S3 outage.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { unzipFile } from '../../src/etcd/snapshot-zip.ts';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { repoRoot } from '../../src/build/paths.ts';
import { findRuntime } from './helpers/runtime.ts';
import { createTestNode } from './helpers/test-node.ts';
import { killallArgs, serverDirs, testServerArgs } from './helpers/server-dirs.ts';
import type { TestNode } from './helpers/test-node.ts';
import { startS3 } from './helpers/s3-server.ts';
import type { TestS3 } from './helpers/s3-server.ts';
import { eventually } from './helpers/eventually.ts';
import { stopProcess, untilReady } from './helpers/rfo-process.ts';

const rfo = join(repoRoot, 'bin', 'rfo');
const s3Port = 19050;
const bucket = 'rfo-snaps';
const folder = 'cluster-a';
let node: TestNode;
let s3: TestS3;
let root = '';
let runtimeDir = '';
let server: ChildProcess | undefined;
let output = '';

const d = () => ({
  ...serverDirs(root, join(root, 'rfo.yaml')),
  config: join(root, 'config.yaml'),
  snaps: join(root, 'data', 'server', 'db', 'snapshots'),
  etcd: join(root, 'data', 'server', 'db', 'etcd'),
});
const common = () => ['--config', d().config, '--data-dir', d().data];
// Only etcd's data is under test. With the add-ons running, metrics-server's APIService
// is unavailable for a while after each restore, and the namespace controller cannot
// delete a namespace until aggregated discovery answers: under a loaded host (a second
// test lane) `delete namespace --wait` then ran past its limit.
const noAddons = ['--disable', 'rfo-coredns,rfo-network-policy,rfo-metrics-server,rfo-local-path,rfo-traefik,rfo-gateway-api-crds'];
const serverArgs = () => testServerArgs(d(), { config: d().config, nodeIp: node.ip, runtimeDir, extra: noAddons });

async function writeConfig(extra = '', cron = '"0 0 1 1 *"'): Promise<void> {
  await writeFile(
    d().config,
    [
      'etcd-s3: true',
      `etcd-s3-endpoint: ${s3.endpoint}`,
      `etcd-s3-endpoint-ca: ${s3.caFile ?? ''}`,
      `etcd-s3-access-key: ${s3.accessKey}`,
      `etcd-s3-secret-key: ${s3.secretKey}`,
      `etcd-s3-bucket: ${bucket}`,
      `etcd-s3-folder: ${folder}`,
      'etcd-s3-timeout: 20s',
      // By default effectively never, until the scheduling test sets its own.
      `etcd-snapshot-schedule-cron: ${cron}`,
      extra,
      '',
    ].join('\n'),
  );
}

async function startServer(): Promise<void> {
  output = '';
  const proc = spawn(node.prefix[0] ?? 'nsenter', [...node.prefix.slice(1), rfo, ...serverArgs()], { stdio: ['ignore', 'ignore', 'pipe'] });
  server = proc;
  proc.stderr?.on('data', (b: Buffer) => (output += b.toString()));
  await untilReady(proc, () => output);
}

async function stopServer(): Promise<void> {
  await stopProcess(server);
  // Containers outlive rfo; killall keeps data and frees the ports for the restore.
  await node.exec(rfo, killallArgs(d()));
}

const kubectl = (args: string[], input?: string) => node.exec(join(d().data, 'bin', 'kubectl'), ['--kubeconfig', d().kubeconfig, ...args], input);
const snapshotCmd = (args: string[]) => node.exec(rfo, ['etcd-snapshot', ...args, ...common()]);


interface Row {
  file: string;
  storage: 'local' | 's3';
  status: 'ok' | 'failed';
  location: string;
  size: number;
  message?: string;
}
async function listJson(): Promise<Row[]> {
  const r = await snapshotCmd(['list', '-o', 'json']);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as Row[];
}

/** Deletes the namespace and waits; on failure the message carries its status conditions (why it is stuck). */
async function deleteNamespace(ns: string): Promise<void> {
  const r = await kubectl(['delete', 'namespace', ns, '--wait=true', '--timeout=120s']);
  if (r.code === 0) return;
  const status = await kubectl(['get', 'namespace', ns, '-o', 'jsonpath={.status}']);
  assert.fail(`delete namespace ${ns}: ${r.stderr.trim()}; status: ${status.stdout || status.stderr}`);
}

/** Every ConfigMap and Secret of the namespace, by name, with its data: what must come back. */
async function fingerprint(ns: string): Promise<{ count: number; hash: string }> {
  const r = await kubectl(['get', 'configmaps,secrets', '-n', ns, '-l', 'rfo.test/roundtrip', '-o', 'json']);
  assert.equal(r.code, 0, r.stderr);
  const items = (JSON.parse(r.stdout) as { items: { kind: string; metadata: { name: string }; data?: Record<string, string> }[] }).items;
  const canon = items.map((i) => `${i.kind}/${i.metadata.name}=${JSON.stringify(Object.entries(i.data ?? {}).sort())}`).sort();
  return { count: items.length, hash: createHash('sha256').update(canon.join('\n')).digest('hex') };
}

async function resetServer(extra: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return node.exec(rfo, [...serverArgs(), '--cluster-reset', ...extra]);
}

const etcdDbHash = async () => createHash('sha256').update(await readFile(join(d().etcd, 'member', 'snap', 'db'))).digest('hex');
const oldDirs = async () => (await readdir(join(d().data, 'server', 'db'))).filter((n) => n.startsWith('etcd-old-'));

let expected: { count: number; hash: string };
let roundtripFile = '';

before(async () => {
  runtimeDir = (await findRuntime()).dir;
  root = await mkdtemp('/var/tmp/rfo-snap-');
  node = await createTestNode('rfo-snap', 50);
  s3 = await startS3({
    tls: true,
    port: s3Port,
    prefix: node.prefix,
    waitReady: async (port) => (await node.exec('bash', ['-c', `exec 3<>/dev/tcp/127.0.0.1/${port}`])).code === 0,
  });
  // versitygw's posix backend: a bucket is a directory.
  await mkdir(join(s3.dir, 'data', bucket));
  await writeConfig();
  await startServer();
});

after(async () => {
  await stopServer().catch(() => undefined);
  if (node) {
    await node.exec(rfo, killallArgs(d())).catch(() => undefined);
  }
  if (s3) await s3.stop();
  if (node) await node.destroy();
  if (root) await rm(root, { recursive: true, force: true });
});

test('save writes a local and an S3 snapshot (TLS, custom CA); list and ETCDSnapshotFile objects show both', { timeout: 300_000 }, async () => {
  await kubectl(['create', 'namespace', 'roundtrip']);
  const items: object[] = [];
  for (let i = 0; i < 1000; i++) {
    const labels = { 'rfo.test/roundtrip': 'yes' };
    items.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `cm-${i}`, namespace: 'roundtrip', labels }, data: { index: String(i), payload: createHash('sha256').update(`cm${i}`).digest('hex').repeat(4) } });
    items.push({ apiVersion: 'v1', kind: 'Secret', metadata: { name: `secret-${i}`, namespace: 'roundtrip', labels }, data: { token: Buffer.from(`secret-${i}-${createHash('sha1').update(String(i)).digest('hex')}`).toString('base64') } });
  }
  const created = await kubectl(['create', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'List', items }));
  assert.equal(created.code, 0, created.stderr.slice(-2000));
  expected = await fingerprint('roundtrip');
  assert.equal(expected.count, 2000);

  const saved = await snapshotCmd(['save', '--name', 'roundtrip', '--compress']);
  assert.equal(saved.code, 0, saved.stderr);
  assert.ok(!saved.stderr.includes(s3.secretKey), 'the S3 secret is never logged');
  roundtripFile = saved.stdout.trim();
  assert.match(roundtripFile, /^roundtrip-\S+-\d{10}\.zip$/);
  assert.ok(existsSync(join(d().snaps, roundtripFile)));
  assert.ok(existsSync(join(s3.dir, 'data', bucket, folder, roundtripFile)), 'the object is in the bucket');
  // Secrets are encrypted at rest (on by default): no Secret value is in the snapshot, local or uploaded.
  const literal = Buffer.from(`secret-7-${createHash('sha1').update('7').digest('hex')}`);
  for (const zip of [join(d().snaps, roundtripFile), join(s3.dir, 'data', bucket, folder, roundtripFile)]) {
    const db = join(root, 'unzipped.db');
    await unzipFile(zip, db);
    const bytes = await readFile(db);
    assert.ok(bytes.length > 1_000_000, 'a real etcd db');
    assert.ok(bytes.includes(Buffer.from('k8s:enc:aescbc:v1:aescbckey:')), `${zip}: encrypted Secrets`);
    assert.equal(bytes.indexOf(literal), -1, `${zip}: a Secret's value in clear`);
    assert.ok(bytes.includes(Buffer.from('cm-7')), 'ConfigMaps are not encrypted (only Secrets are), so the search itself works');
    await rm(db);
  }

  const rows = (await listJson()).filter((r) => r.file === roundtripFile);
  assert.deepEqual(rows.map((r) => `${r.storage}:${r.status}`).sort(), ['local:ok', 's3:ok']);
  assert.equal(rows[0]?.size, rows[1]?.size);
  assert.ok(rows.some((r) => r.location === `s3://${bucket}/${folder}/${roundtripFile}`));
  const table = await snapshotCmd(['ls']);
  assert.match(table.stdout, /^Name +Location +Size +Created +Status\n/);

  const objs = await kubectl(['get', 'etcdsnapshotfiles']);
  assert.equal(objs.code, 0, objs.stderr);
  assert.match(objs.stdout, /SNAPSHOTNAME +NODE +LOCATION +SIZE +CREATIONTIME/);
  assert.equal(objs.stdout.split('\n').filter((l) => l.includes(roundtripFile)).length, 2, objs.stdout);
});

test('restore from the local file: delete the namespace, reset, restart: every object returns with identical data', { timeout: 400_000 }, async () => {
  assert.ok(roundtripFile, 'needs the snapshot of the first test');
  await deleteNamespace('roundtrip');
  assert.equal((await fingerprint('roundtrip')).count, 0);
  await stopServer();
  const before = await oldDirs();
  const r = await resetServer([`--cluster-reset-restore-path=${join(d().snaps, roundtripFile)}`, '--etcd-s3=false']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /membership has been reset and the snapshot restored/);
  assert.match(r.stdout, /without --cluster-reset/);
  assert.match(r.stdout, /On every other server/);
  assert.equal((await oldDirs()).length, before.length + 1, 'the old data was moved aside, not deleted');
  await startServer();
  assert.deepEqual(await fingerprint('roundtrip'), expected);
});

test('restore from S3 by name (downloaded over TLS): every object returns', { timeout: 400_000 }, async () => {
  await deleteNamespace('roundtrip');
  await stopServer();
  // Prove it comes from the bucket: no local copy.
  await rm(join(d().snaps, roundtripFile));
  const r = await resetServer([`--cluster-reset-restore-path=${roundtripFile}`]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /downloading s3:\/\//);
  await startServer();
  assert.deepEqual(await fingerprint('roundtrip'), expected);
});

test('restore on another node (a fresh data dir): with the cluster token its Secrets decrypt; with another token the start stops naming the token', { timeout: 600_000 }, async () => {
  const token = (await readFile(join(d().data, 'server', 'token'), 'utf8')).trim();
  await stopServer();
  // A second node, as far as rfo can tell: its own name (the old node's name keeps its node
  // password in the restored data), data, run, kubelet and CNI dirs and kubeconfig.
  const other = (name: string) => {
    const base = join(root, name);
    const dirs = serverDirs(base, join(base, 'rfo.yaml'));
    const args = testServerArgs(dirs, { config: d().config, nodeIp: node.ip, runtimeDir, extra: ['--node-name', name, ...noAddons] });
    return {
      base,
      args,
      killall: () => node.exec(rfo, killallArgs(dirs)),
    };
  };
  const wrong = other('node-b');
  const reset = await node.exec(rfo, [...wrong.args, '--token', 'another-token', '--cluster-reset', `--cluster-reset-restore-path=${roundtripFile}`]);
  assert.equal(reset.code, 0, reset.stderr);
  const failed = await node.exec(rfo, [...wrong.args, '--token', 'another-token']);
  assert.notEqual(failed.code, 0);
  assert.match(failed.stderr, /cannot open the bootstrap data[\s\S]*hint: the token does not match/);
  assert.ok(!existsSync(join(wrong.base, 'data', 'server', 'cred', 'encryption-config.json')), 'no key was made up for data encrypted with another');
  await wrong.killall();

  const right = other('node-c');
  const restored = await node.exec(rfo, [...right.args, '--token', token, '--cluster-reset', `--cluster-reset-restore-path=${roundtripFile}`]);
  assert.equal(restored.code, 0, restored.stderr);
  output = '';
  const proc = spawn(node.prefix[0] ?? 'nsenter', [...node.prefix.slice(1), rfo, ...right.args, '--token', token], { stdio: ['ignore', 'ignore', 'pipe'] });
  proc.stderr?.on('data', (b: Buffer) => (output += b.toString()));
  try {
    await untilReady(proc, () => output);
    assert.match(output, /secrets encryption: adopted the cluster's configuration/);
    const r = await node.exec(join(right.base, 'data', 'bin', 'kubectl'), ['--kubeconfig', join(right.base, 'rfo.yaml'), 'get', 'configmaps,secrets', '-n', 'roundtrip', '-l', 'rfo.test/roundtrip', '-o', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const items = (JSON.parse(r.stdout) as { items: { kind: string; metadata: { name: string }; data?: Record<string, string> }[] }).items;
    const canon = items.map((i) => `${i.kind}/${i.metadata.name}=${JSON.stringify(Object.entries(i.data ?? {}).sort())}`).sort();
    assert.deepEqual({ count: items.length, hash: createHash('sha256').update(canon.join('\n')).digest('hex') }, expected, 'every Secret decrypts on the new node');
  } finally {
    await stopProcess(proc);
    await right.killall();
  }
  await startServer();
});

test('corrupt, truncated, empty and missing restore paths are refused and the data stays intact', { timeout: 400_000 }, async () => {
  const plain = await snapshotCmd(['save', '--name', 'plain']);
  assert.equal(plain.code, 0, plain.stderr);
  const file = join(d().snaps, plain.stdout.trim());
  await stopServer();
  const dbBefore = await etcdDbHash();
  const oldBefore = await oldDirs();

  const corrupt = join(root, 'corrupt.db');
  await copyFile(file, corrupt);
  const bytes = await readFile(corrupt);
  for (let i = 4096; i < 4096 + 64; i++) bytes[i] = (bytes[i] ?? 0) ^ 0x5a;
  await writeFile(corrupt, bytes);
  const truncated = join(root, 'truncated.db');
  await copyFile(file, truncated);
  await truncate(truncated, Math.floor(bytes.length / 2));
  const badZip = join(root, 'bad-n1-1700000000.zip');
  await copyFile(join(s3.dir, 'data', bucket, folder, roundtripFile), badZip);
  const zb = await readFile(badZip);
  zb[200] = (zb[200] ?? 0) ^ 0xff;
  await writeFile(badZip, zb);
  // The recorded sha256 catches a file changed in place.
  const recorded = join(root, 'recorded-copy');
  await copyFile(file, recorded);
  await truncate(file, bytes.length - 1000);

  for (const p of [corrupt, truncated, badZip, file]) {
    const r = await resetServer([`--cluster-reset-restore-path=${p}`, '--etcd-s3=false']);
    assert.equal(r.code, 1, `${p}: ${r.stderr}`);
    assert.match(r.stderr, /RFO_SNAPSHOT_INVALID\]: snapshot .* is not usable: .*; nothing was changed/, p);
  }
  assert.match((await resetServer([`--cluster-reset-restore-path=${file}`, '--etcd-s3=false'])).stderr, /does not match the recorded/);
  const empty = await resetServer(['--cluster-reset-restore-path=', '--etcd-s3=false']);
  assert.equal(empty.code, 2, empty.stderr);
  assert.match(empty.stderr, /--cluster-reset-restore-path is empty/);
  const missing = await resetServer([`--cluster-reset-restore-path=${join(root, 'nope')}`, '--etcd-s3=false']);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /RFO_SNAPSHOT_NOT_FOUND\].*does not exist/);
  const lonePath = await node.exec(rfo, [...serverArgs(), `--cluster-reset-restore-path=${recorded}`]);
  assert.equal(lonePath.code, 2);
  assert.match(lonePath.stderr, /needs --cluster-reset/);

  assert.equal(await etcdDbHash(), dbBefore, 'etcd data untouched');
  assert.deepEqual(await oldDirs(), oldBefore, 'nothing moved aside');
  await startServer();
  assert.deepEqual(await fingerprint('roundtrip'), expected);
});

test('--cluster-reset alone keeps the data and leaves one member', { timeout: 400_000 }, async () => {
  await stopServer();
  const r = await resetServer([]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /membership has been reset; this server is now the only member/);
  await startServer();
  assert.deepEqual(await fingerprint('roundtrip'), expected);
});

test('kill -9 during save leaves no listed partial file; the next save cleans up', { timeout: 200_000 }, async () => {
  const proc = spawn(node.prefix[0] ?? 'nsenter', [...node.prefix.slice(1), rfo, 'etcd-snapshot', 'save', '--name', 'killed', '--compress', ...common()], { stdio: 'ignore' });
  let sawPartial = false;
  await eventually('a partial snapshot file', async () => {
    sawPartial = (await readdir(d().snaps)).some((f) => f.includes('.partial-'));
    return sawPartial || proc.exitCode !== null;
  }, 30_000, 5);
  proc.kill('SIGKILL');
  await new Promise((r) => setTimeout(r, 3000));
  assert.ok(sawPartial, 'the save was killed while writing');
  for (const row of await listJson()) {
    assert.ok(!row.file.includes('partial'), row.file);
    if (row.storage === 'local' && row.status === 'ok' && row.file.startsWith('killed-')) assert.fail(`a killed save is listed: ${row.file}`);
  }
  const next = await snapshotCmd(['save', '--name', 'after-kill']);
  assert.equal(next.code, 0, next.stderr);
  assert.deepEqual((await readdir(d().snaps)).filter((f) => f.includes('.partial-')), []);
});

test('scheduled every 20 s (@every, as RKE2 takes it): retention keeps exactly 2 locally and in S3; S3 down: local kept and failure recorded; next run succeeds', { timeout: 400_000 }, async () => {
  await stopServer();
  await writeConfig(['etcd-snapshot-retention: 2', 'etcd-s3-retention: 2', 'etcd-snapshot-name: sched'].join('\n'), '"@every 20s"');
  await startServer();
  const sched = async (storage: 'local' | 's3', status: 'ok' | 'failed' = 'ok') => (await listJson()).filter((r) => r.file.startsWith('sched-') && r.storage === storage && r.status === status).map((r) => r.file);
  const runs = () => (output.match(/snapshot sched-\S+ saved/g) ?? []).length;
  await eventually('three scheduled snapshots', () => Promise.resolve(runs() >= 3), 120_000, 1000);
  await eventually('S3 retention after the third upload', () => Promise.resolve((output.match(/uploaded to s3:\/\/\S+\/sched-/g) ?? []).length >= 3), 60_000);
  assert.equal((await sched('local')).length, 2, 'local retention keeps exactly 2');
  assert.equal((await sched('s3')).length, 2, 'S3 retention keeps exactly 2');
  assert.ok((await listJson()).some((r) => r.file === roundtripFile && r.storage === 's3'), 'retention leaves other names alone');

  await s3.pause();
  const before = runs();
  await eventually('a scheduled run while S3 is down', () => Promise.resolve(/S3 upload failed, local snapshot kept/.test(output) && runs() > before), 120_000, 1000);
  const failedLocal = /snapshot (sched-\S+): S3 upload failed/.exec(output)?.[1] ?? '';
  assert.ok(existsSync(join(d().snaps, failedLocal)), 'the local snapshot of the failed run is kept');
  // Recorded while S3 is still down: the server publishes what it recorded.
  await eventually('the failed upload as an ETCDSnapshotFile', async () => {
    const r = await kubectl(['get', 'etcdsnapshotfiles', '-o', 'jsonpath={range .items[?(@.status.readyToUse==false)]}{.spec.snapshotName} {.status.error.message}{"\\n"}{end}']);
    return r.stdout.includes(failedLocal);
  }, 80_000);
  await s3.resume();
  const failedRows = await sched('s3', 'failed');
  assert.deepEqual(failedRows, [failedLocal]);
  const uploadsBefore = (output.match(/uploaded to s3:\/\/\S+\/sched-/g) ?? []).length;
  await eventually('the next run uploads again', () => Promise.resolve((output.match(/uploaded to s3:\/\/\S+\/sched-/g) ?? []).length > uploadsBefore), 120_000, 1000);
  assert.equal((await sched('local')).length, 2);
  assert.equal((await sched('s3')).length, 2);
});
