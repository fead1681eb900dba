// rfo etcd-snapshot without a cluster: usage errors, a failed save recorded
// and listed, S3 retries riding out a short outage of a real S3 server
// (versitygw on host loopback), and an S3 server that stays down failing
// within --s3-timeout.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { repoRoot } from '../../src/build/paths.ts';
import { run } from '../../src/util/exec.ts';
import { portFree } from '../../src/host/probes.ts';
import { createS3Client } from '../../src/s3/client.ts';
import { resolveS3Config } from '../../src/s3/resolve-s3-config.ts';
import { findRuntime } from './helpers/runtime.ts';
import { startS3 } from './helpers/s3-server.ts';
import type { TestS3 } from './helpers/s3-server.ts';

const rfo = join(repoRoot, 'bin', 'rfo');
let root = '';
let s3: TestS3;
const snap = (args: string[]) => run({ cmd: rfo, args: ['etcd-snapshot', ...args] });

async function freePort(): Promise<number> {
  for (let p = 19500 + Math.floor(Math.random() * 400); ; p++) if (await portFree(p, '127.0.0.1')) return p;
}

before(async () => {
  root = await mkdtemp('/var/tmp/rfo-snapcli-');
  // A data dir whose bin points at the runtime, as rfo server stages it; no etcd runs.
  await mkdir(join(root, 'data'), { recursive: true });
  await symlink(join((await findRuntime()).dir, 'bin'), join(root, 'data', 'bin'));
  await writeFile(join(root, 'config.yaml'), 'node-name: cli-node\n');
  s3 = await startS3({ tls: false, port: await freePort() });
  await mkdir(join(s3.dir, 'data', 'cli-snaps'));
});

after(async () => {
  if (s3) await s3.stop();
  if (root) await rm(root, { recursive: true, force: true });
});

const base = () => ['--config', join(root, 'config.yaml'), '--data-dir', join(root, 'data')];

test('usage errors exit 2 with a hint', async () => {
  const none = await snap([]);
  assert.equal(none.code, 2);
  assert.match(none.stderr, /needs a subcommand\n {2}hint: one of save, list, delete, prune/);
  const del = await snap(['delete', ...base()]);
  assert.equal(del.code, 2);
  assert.match(del.stderr, /delete needs the names/);
  const bad = await snap(['list', '--s3-bucket', 'x', '--bogus', ...base()]);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /--bogus: unknown flag for rfo etcd-snapshot/);
  const help = await snap(['--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /--etcd-s3-endpoint value .*\(also --s3-endpoint\)/);
});

test('a save with etcd down fails, keeps nothing partial, and is listed as failed', async () => {
  const r = await snap(['save', '--name', 'nodb', ...base()]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /RFO_SNAPSHOT_FAILED\]: etcdctl snapshot save failed/);
  const list = await snap(['list', '-o', 'json', ...base()]);
  assert.equal(list.code, 0, list.stderr);
  const rows = JSON.parse(list.stdout) as { file: string; status: string; storage: string; node: string }[];
  assert.equal(rows.length, 1);
  assert.match(rows[0]?.file ?? '', /^nodb-cli-node-\d{10}$/);
  assert.equal(rows[0]?.status, 'failed');
  const table = await snap(['ls', ...base()]);
  assert.match(table.stdout, /nodb-cli-node-\d+ .* failed: etcdctl snapshot save failed/);
});

test('S3 requests retry with backoff through a short outage, and give up within the timeout when S3 stays down', { timeout: 120_000 }, async () => {
  const file = join(root, 'payload');
  await writeFile(file, Buffer.alloc(3 * 1024 * 1024, 'x'));
  const logs: string[] = [];
  const client = await createS3Client(
    resolveS3Config({ 'etcd-s3': true, 'etcd-s3-endpoint': s3.endpoint, 'etcd-s3-insecure': true, 'etcd-s3-access-key': s3.accessKey, 'etcd-s3-secret-key': s3.secretKey, 'etcd-s3-bucket': 'cli-snaps', 'etcd-s3-timeout': '30s' })!,
    (m) => logs.push(m),
  );
  await s3.pause();
  setTimeout(() => void s3.resume(), 2500);
  const up = await client.upload('retry/payload', file);
  assert.ok(up.attempts > 2, `attempts ${up.attempts}`);
  assert.equal(up.size, 3 * 1024 * 1024);
  assert.ok(logs.some((l) => /retry 1 in 500 ms/.test(l)), logs.join('\n'));
  assert.ok(!logs.join('\n').includes(s3.secretKey));

  await s3.pause();
  const started = Date.now();
  const r = await snap(['list', '--s3', '--s3-endpoint', s3.endpoint, '--s3-insecure', '--s3-bucket', 'cli-snaps', '--s3-timeout', '4s', '--s3-access-key', s3.accessKey, '--s3-secret-key', s3.secretKey, ...base()]);
  const took = Date.now() - started;
  await s3.resume();
  assert.equal(r.code, 1);
  assert.match(r.stderr, /RFO_SNAPSHOT_FAILED\]: .*(ECONNREFUSED|connect).*\n {2}hint: check the S3 endpoint/);
  assert.ok(took < 15_000, `gave up after ${took} ms`);
  assert.ok(!r.stderr.includes(s3.secretKey), 'the secret key is never printed');
});
