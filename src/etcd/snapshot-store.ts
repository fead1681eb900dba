// Saving, listing, deleting and pruning etcd snapshots on disk and in S3.
// etcdctl takes the snapshot (as RKE2 does in-process with etcd's client);
// rfo owns naming, atomic placement, compression, hashes, the records, S3
// upload and retention. A record per snapshot and place lives in
// <snapshot-dir>/.records/, so failed uploads stay visible.

import { mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { RfoError } from '../errors.ts';
import { createS3Client } from '../s3/client.ts';
import type { S3Client } from '../s3/client.ts';
import { objectKey } from '../s3/resolve-s3-config.ts';
import type { S3Config } from '../s3/resolve-s3-config.ts';
import { writeFileAtomic } from '../util/atomic-write.ts';
import { run } from '../util/exec.ts';
import { createdFromName, isSnapshotFile, planRows } from './plan-snapshot-list.ts';
import type { Found, Row, SnapshotRecord, Storage } from './plan-snapshot-list.ts';
import { planRetention, snapshotFileName } from './snapshot-names.ts';
import { zipFile } from './snapshot-zip.ts';
import { sha256File } from '../util/sha256-file.ts';

export interface SnapshotContext {
  readonly nodeName: string;
  readonly snapshotDir: string;
  /** Where etcdctl/etcdutl are (<data-dir>/bin). */
  readonly binDir: string;
  /** The server TLS dir: etcd/server-ca.crt, etcd/client.crt, etcd/client.key. */
  readonly tlsDir: string;
  readonly etcdEndpoint: string;
  readonly s3: S3Config | undefined;
  readonly log: (m: string) => void;
}

const recordsDir = (ctx: SnapshotContext) => join(ctx.snapshotDir, '.records');
const recordPath = (ctx: SnapshotContext, storage: Storage, file: string) => join(recordsDir(ctx), `${file}.${storage}.json`);


async function writeRecord(ctx: SnapshotContext, r: SnapshotRecord): Promise<void> {
  await writeFileAtomic(recordPath(ctx, r.storage, r.file), `${JSON.stringify(r, null, 2)}\n`, 0o600);
}

export async function readRecords(ctx: SnapshotContext): Promise<SnapshotRecord[]> {
  const out: SnapshotRecord[] = [];
  for (const f of await readdir(recordsDir(ctx)).catch(() => [] as string[])) {
    if (!f.endsWith('.json') || f.startsWith('.')) continue;
    try {
      out.push(JSON.parse(await readFile(join(recordsDir(ctx), f), 'utf8')) as SnapshotRecord);
    } catch {
      // a damaged record only loses its extra facts; the file itself is still listed
    }
  }
  return out;
}

async function s3Client(ctx: SnapshotContext): Promise<S3Client | undefined> {
  return ctx.s3 ? createS3Client(ctx.s3, ctx.log) : undefined;
}

const s3Location = (c: S3Config, file: string) => `s3://${c.bucket}/${objectKey(c, file)}`;

async function fsyncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** Temp files of saves that died (kill -9, power loss) are removed by the next save. */
async function removeStaleTemps(ctx: SnapshotContext): Promise<void> {
  for (const f of await readdir(ctx.snapshotDir).catch(() => [] as string[])) {
    const m = /^\..+\.partial-(\d+)/.exec(f);
    if (!m) continue;
    let alive: boolean;
    try {
      process.kill(Number(m[1]), 0);
      alive = Number(m[1]) !== process.pid;
    } catch {
      alive = false;
    }
    if (!alive) await rm(join(ctx.snapshotDir, f), { force: true, recursive: true });
  }
}

export interface SaveResult {
  readonly local: SnapshotRecord;
  readonly s3?: SnapshotRecord;
  readonly pruned: string[];
}

export function etcdctlArgs(ctx: SnapshotContext): string[] {
  return ['--endpoints', ctx.etcdEndpoint, '--cacert', join(ctx.tlsDir, 'etcd', 'server-ca.crt'), '--cert', join(ctx.tlsDir, 'etcd', 'client.crt'), '--key', join(ctx.tlsDir, 'etcd', 'client.key')];
}

/**
 * Take a snapshot named <name>-<node>-<unix>[.zip]: written under a hidden
 * temp name, hashed, fsynced and renamed, so `list` never shows a partial
 * file. Then upload (a failure keeps the local file and is recorded) and,
 * only after a successful save, apply retention to this node's <name> files.
 */
export async function saveSnapshot(ctx: SnapshotContext, name: string, opts: { compress: boolean; retention: number; s3Retention?: number }): Promise<SaveResult> {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)) throw new RfoError('RFO_USAGE', `snapshot name "${name}" may hold only letters, digits, ".", "_" and "-"`, { hint: 'pass another --name' });
  await mkdir(ctx.snapshotDir, { recursive: true, mode: 0o700 });
  await removeStaleTemps(ctx);
  const now = Math.floor(Date.now() / 1000);
  const file = snapshotFileName(name, ctx.nodeName, now, opts.compress);
  const db = join(ctx.snapshotDir, `.${file}.partial-${process.pid}.db`);
  const zipped = join(ctx.snapshotDir, `.${file}.partial-${process.pid}.zip`);
  const final = join(ctx.snapshotDir, file);
  const base: Omit<SnapshotRecord, 'size' | 'sha256' | 'status' | 'storage' | 'location'> = { file, name, node: ctx.nodeName, compressed: opts.compress, createdAt: new Date(now * 1000).toISOString() };
  try {
    const r = await run({ cmd: join(ctx.binDir, 'etcdctl'), args: [...etcdctlArgs(ctx), 'snapshot', 'save', db], purpose: 'etcd snapshot' });
    if (r.code !== 0) throw new RfoError('RFO_SNAPSHOT_FAILED', `etcdctl snapshot save failed: ${r.stderr.trim().split('\n').slice(-3).join(' ')}`, { hint: 'is etcd running? rfo server must be up on this node' });
    let done = db;
    if (opts.compress) {
      await zipFile(db, zipped, file.replace(/\.zip$/, ''));
      await rm(db, { force: true });
      done = zipped;
    }
    const fh = await open(done, 'r');
    await fh.sync();
    await fh.close();
    const sha256 = await sha256File(done);
    const size = (await stat(done)).size;
    await rename(done, final);
    await fsyncDir(ctx.snapshotDir);
    const local: SnapshotRecord = { ...base, storage: 'local', location: `file://${final}`, size, sha256, status: 'ok' };
    await writeRecord(ctx, local);
    ctx.log(`snapshot ${file} saved (${size} bytes, sha256 ${sha256.slice(0, 12)}…)`);
    const pruned = await pruneLocal(ctx, name, opts.retention);
    let s3: SnapshotRecord | undefined;
    const client = await s3Client(ctx);
    if (client && ctx.s3) {
      const key = objectKey(ctx.s3, file);
      const started = Date.now();
      try {
        const up = await client.upload(key, final, { sha256, node: ctx.nodeName, compressed: String(opts.compress) });
        const secs = (Date.now() - started) / 1000;
        s3 = { ...base, storage: 's3', location: s3Location(ctx.s3, file), size, sha256, status: 'ok' };
        ctx.log(`snapshot ${file} uploaded to ${s3.location} in ${secs.toFixed(1)}s (${up.parts} part(s), ${up.attempts} request(s), verified size and ETag)`);
        await writeRecord(ctx, s3);
        pruned.push(...(await pruneS3(ctx, client, name, opts.s3Retention ?? opts.retention)));
      } catch (err) {
        s3 = { ...base, storage: 's3', location: s3Location(ctx.s3, file), size, sha256, status: 'failed', message: (err as Error).message };
        await writeRecord(ctx, s3);
        ctx.log(`snapshot ${file}: S3 upload failed, local snapshot kept: ${(err as Error).message}`);
      }
    }
    return { local, ...(s3 ? { s3 } : {}), pruned };
  } catch (err) {
    await writeRecord(ctx, { ...base, storage: 'local', location: `file://${final}`, size: 0, sha256: '', status: 'failed', message: (err as Error).message });
    throw err;
  } finally {
    await rm(db, { force: true });
    await rm(zipped, { force: true });
  }
}

async function pruneLocal(ctx: SnapshotContext, name: string, retention: number): Promise<string[]> {
  const files = (await readdir(ctx.snapshotDir)).filter(isSnapshotFile);
  const doomed = planRetention(files, name, ctx.nodeName, retention);
  for (const f of doomed) {
    await rm(join(ctx.snapshotDir, f), { force: true });
    await rm(recordPath(ctx, 'local', f), { force: true });
    // A failed upload of a generation retention removed is no longer news.
    await rm(recordPath(ctx, 's3', f), { force: true });
    ctx.log(`retention: removed ${f}`);
  }
  return doomed;
}

async function pruneS3(ctx: SnapshotContext, client: S3Client, name: string, retention: number): Promise<string[]> {
  if (!ctx.s3) return [];
  const prefix = ctx.s3.folder ? `${ctx.s3.folder}/` : '';
  // Retention needs a complete listing: if listing fails nothing is deleted.
  const objects = await client.list(prefix);
  const files = objects.map((o) => o.key.slice(prefix.length)).filter((f) => !f.includes('/') && isSnapshotFile(f));
  const doomed = planRetention(files, name, ctx.nodeName, retention);
  for (const f of doomed) {
    await client.remove(objectKey(ctx.s3, f));
    await rm(recordPath(ctx, 's3', f), { force: true });
    ctx.log(`S3 retention: removed ${f}`);
  }
  return doomed.map((f) => `s3:${f}`);
}

export async function pruneSnapshots(ctx: SnapshotContext, name: string, retention: number): Promise<string[]> {
  const pruned = await pruneLocal(ctx, name, retention);
  const client = await s3Client(ctx);
  if (client) pruned.push(...(await pruneS3(ctx, client, name, retention)));
  return pruned;
}

export async function listSnapshots(ctx: SnapshotContext): Promise<Row[]> {
  return (await listSnapshotsDetailed(ctx, true)).rows;
}

/**
 * Rows from disk and S3. With `strict` false an unreachable S3 does not fail
 * the listing: S3 rows then come from the records (so a failed upload made
 * while S3 is down still shows), and `s3Listed` says the bucket was not read.
 */
export async function listSnapshotsDetailed(ctx: SnapshotContext, strict: boolean): Promise<{ rows: Row[]; s3Listed: boolean }> {
  const local: Found[] = [];
  for (const f of (await readdir(ctx.snapshotDir).catch(() => [] as string[])).filter(isSnapshotFile)) {
    const st = await stat(join(ctx.snapshotDir, f)).catch(() => undefined);
    if (st?.isFile()) local.push({ file: f, location: `file://${join(ctx.snapshotDir, f)}`, size: st.size, createdAt: createdFromName(f) ?? st.mtime.toISOString() });
  }
  const records = await readRecords(ctx);
  const s3: Found[] = [];
  let s3Listed = false;
  const client = await s3Client(ctx);
  if (client && ctx.s3) {
    const prefix = ctx.s3.folder ? `${ctx.s3.folder}/` : '';
    try {
      for (const o of await client.list(prefix)) {
        const f = o.key.slice(prefix.length);
        if (!f.includes('/') && isSnapshotFile(f)) s3.push({ file: f, location: s3Location(ctx.s3, f), size: o.size, createdAt: o.lastModified });
      }
      s3Listed = true;
    } catch (err) {
      if (strict) throw err;
      ctx.log(`listing S3 failed, showing what rfo recorded instead: ${(err as Error).message}`);
      for (const r of records) if (r.storage === 's3' && r.status === 'ok') s3.push({ file: r.file, location: r.location, size: r.size, createdAt: r.createdAt });
    }
  }
  return { rows: planRows(local, s3, records, ctx.nodeName), s3Listed };
}

/** Delete named snapshots everywhere they are; unknown names are an error (after deleting the known ones). */
export async function deleteSnapshots(ctx: SnapshotContext, files: readonly string[]): Promise<string[]> {
  const client = await s3Client(ctx);
  const deleted: string[] = [];
  const missing: string[] = [];
  for (const raw of files) {
    const file = basename(raw);
    let found = false;
    const path = join(ctx.snapshotDir, file);
    if (isSnapshotFile(file) && (await stat(path).catch(() => undefined))) {
      await rm(path, { force: true });
      deleted.push(`local:${file}`);
      found = true;
    }
    const records = await readRecords(ctx);
    for (const storage of ['local', 's3'] as const) {
      if (records.some((r) => r.storage === storage && r.file === file)) {
        await rm(recordPath(ctx, storage, file), { force: true });
        found = true;
      }
    }
    if (client && ctx.s3) {
      const key = objectKey(ctx.s3, file);
      if (await client.head(key)) {
        await client.remove(key);
        deleted.push(`s3:${file}`);
        found = true;
      }
    }
    if (!found) missing.push(file);
  }
  if (missing.length > 0) throw new RfoError('RFO_SNAPSHOT_NOT_FOUND', `no snapshot named ${missing.join(', ')}${deleted.length ? ` (deleted ${deleted.join(', ')})` : ''}`, { hint: 'see `rfo etcd-snapshot list` for the names' });
  return deleted;
}

/** The local path of a snapshot to restore: a file path, or (with S3) a name downloaded into the snapshot dir. */
export async function fetchSnapshot(ctx: SnapshotContext, pathOrName: string): Promise<{ path: string; record: SnapshotRecord | undefined }> {
  const records = await readRecords(ctx);
  if (ctx.s3) {
    const file = basename(pathOrName);
    const client = await s3Client(ctx);
    const key = objectKey(ctx.s3, file);
    const head = await client?.head(key);
    if (!client || !head) throw new RfoError('RFO_SNAPSHOT_NOT_FOUND', `snapshot ${file} is not in ${s3Location(ctx.s3, file)}`, { hint: 'list them with rfo etcd-snapshot list --s3 ..., or pass --etcd-s3=false to restore a local file' });
    await mkdir(ctx.snapshotDir, { recursive: true, mode: 0o700 });
    const path = join(ctx.snapshotDir, file);
    ctx.log(`downloading ${s3Location(ctx.s3, file)} (${head.size} bytes)`);
    await client.download(key, path);
    const sha = head.metadata.sha256;
    const node = head.metadata.node ?? ctx.nodeName;
    return { path, record: sha ? { file, name: file, node, storage: 's3', location: s3Location(ctx.s3, file), size: head.size, sha256: sha, compressed: file.endsWith('.zip'), createdAt: '', status: 'ok' } : undefined };
  }
  // A bare name means a file in the snapshot dir, as RKE2 accepts.
  const path = pathOrName.includes('/') ? pathOrName : join(ctx.snapshotDir, pathOrName);
  const st = await stat(path).catch(() => undefined);
  if (!st?.isFile()) throw new RfoError('RFO_SNAPSHOT_NOT_FOUND', `cluster-reset-restore-path ${path} does not exist or is not a file`, { hint: 'pass the path of a snapshot file (rfo etcd-snapshot list shows them)' });
  const record = records.find((r) => r.storage === 'local' && r.file === basename(path) && r.status === 'ok');
  return { path, record };
}
