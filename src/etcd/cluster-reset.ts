// `rfo server --cluster-reset [--cluster-reset-restore-path=<file|S3 name>]`:
// RKE2's reset/restore. With a path: refuse an empty or missing one, verify
// the snapshot (recorded sha256, zip CRC, etcd's own sha256 trailer — by
// restoring into a scratch dir first) before touching anything, then move the
// current db aside to db/etcd-old-<unix> (never deleted) and put the restored
// one-member db in its place. Without a path: keep the data and drop every
// other member (etcd --force-new-cluster). Either way etcd is started once to
// prove it works, stopped, and rfo exits telling the operator what to do next.

import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { RfoError } from '../errors.ts';
import { run } from '../util/exec.ts';
import { fetchSnapshot, etcdctlArgs } from './snapshot-store.ts';
import { sha256File } from '../util/sha256-file.ts';
import type { SnapshotContext } from './snapshot-store.ts';
import { unzipFile } from './snapshot-zip.ts';
import { S3Error } from '../s3/client.ts';

export interface ClusterResetInput {
  readonly ctx: SnapshotContext;
  /** undefined: plain reset; '' is refused. */
  readonly restorePath: string | undefined;
  readonly etcdDataDir: string;
  readonly peerUrl: string;
  readonly dataDir: string;
  /** Start etcd with extra args and wait until it is healthy; returns its stop function. */
  readonly startEtcd: (extraArgs: readonly string[]) => Promise<() => Promise<void>>;
}

/** Checks a snapshot file and restores it into `target` (a fresh dir); throws RFO_SNAPSHOT_INVALID. */
export async function verifyAndRestore(input: { ctx: SnapshotContext; path: string; expectedSha256: string | undefined; target: string; peerUrl: string }): Promise<{ revision: string; keys: string }> {
  const { ctx, path, target } = input;
  const invalid = (why: string) => new RfoError('RFO_SNAPSHOT_INVALID', `snapshot ${path} is not usable: ${why}; nothing was changed`, { hint: 'pick another snapshot (rfo etcd-snapshot list); the current etcd data is untouched' });
  if (input.expectedSha256) {
    const actual = await sha256File(path);
    if (actual !== input.expectedSha256) throw invalid(`sha256 ${actual} does not match the recorded ${input.expectedSha256} (truncated or modified)`);
  }
  let db = path;
  const scratchDb = `${target}.db`;
  try {
    if (path.endsWith('.zip')) {
      try {
        await unzipFile(path, scratchDb);
      } catch (err) {
        throw invalid((err as Error).message);
      }
      db = scratchDb;
    }
    const status = await run({ cmd: join(ctx.binDir, 'etcdutl'), args: ['snapshot', 'status', db, '-w', 'json'] });
    if (status.code !== 0) throw invalid(status.stderr.trim().split('\n').slice(-1)[0] ?? 'etcdutl snapshot status failed');
    const facts = JSON.parse(status.stdout) as { revision?: number; totalKey?: number };
    // etcdutl checks the sha256 trailer etcd appends to every snapshot; --skip-hash-check is never used.
    const restored = await run({
      cmd: join(ctx.binDir, 'etcdutl'),
      args: ['snapshot', 'restore', db, '--data-dir', target, '--name', ctx.nodeName, '--initial-cluster', `${ctx.nodeName}=${input.peerUrl}`, '--initial-advertise-peer-urls', input.peerUrl],
    });
    if (restored.code !== 0) {
      await rm(target, { recursive: true, force: true });
      throw invalid(restored.stderr.trim().split('\n').filter((l) => /error|Error|failed|mismatch/.test(l)).slice(-1)[0] ?? restored.stderr.trim().slice(-300));
    }
    return { revision: String(facts.revision ?? '?'), keys: String(facts.totalKey ?? '?') };
  } finally {
    await rm(scratchDb, { force: true });
  }
}

export function nextSteps(dataDir: string, restored: boolean): string {
  return [
    `Managed etcd cluster membership has been reset${restored ? ' and the snapshot restored' : ''}; this server is now the only member.`,
    'Next steps:',
    '  1. Start this server again without --cluster-reset (and without --cluster-reset-restore-path): rfo server (or systemctl start rfo-server).',
    `  2. On every other server: stop rfo (systemctl stop rfo-server; rfo-killall.sh), move away ${join(dataDir, 'server', 'db')} (back it up, then delete it), and start rfo again so it rejoins as a new member.`,
    '  3. Agents need nothing but a restart if they were stopped.',
  ].join('\n');
}

export async function clusterReset(input: ClusterResetInput): Promise<string> {
  const { ctx } = input;
  const started = Date.now();
  let extra: string[] = [];
  let restored = false;
  if (input.restorePath !== undefined) {
    if (input.restorePath.trim() === '') {
      throw new RfoError('RFO_USAGE', '--cluster-reset-restore-path is empty', { hint: 'pass the snapshot file path (or, with --etcd-s3, its name); rfo never restores "nothing"' });
    }
    const { path, record } = await fetchSnapshot(ctx, input.restorePath.trim()).catch((err: unknown) => {
      if (err instanceof S3Error) throw new RfoError('RFO_SNAPSHOT_NOT_FOUND', `cannot fetch the snapshot from S3: ${err.message}; nothing was changed`, { hint: 'check the etcd-s3-* settings, or pass --etcd-s3=false and a local file' });
      throw err;
    });
    const stamp = Math.floor(Date.now() / 1000);
    const dbDir = dirname(input.etcdDataDir);
    await mkdir(dbDir, { recursive: true, mode: 0o700 });
    const scratch = join(dbDir, `.restore-${stamp}`);
    await rm(scratch, { recursive: true, force: true });
    ctx.log(`verifying and restoring ${path} into a scratch directory`);
    const facts = await verifyAndRestore({ ctx, path, expectedSha256: record?.sha256, target: scratch, peerUrl: input.peerUrl });
    ctx.log(`snapshot verified: revision ${facts.revision}, ${facts.keys} keys${record?.sha256 ? ', sha256 matches the record' : ''}`);
    if (await stat(input.etcdDataDir).catch(() => undefined)) {
      const old = join(dbDir, `etcd-old-${stamp}`);
      await rename(input.etcdDataDir, old);
      ctx.log(`moved the previous etcd data to ${old} (kept; delete it yourself once the cluster is good)`);
    }
    await rename(scratch, input.etcdDataDir);
    restored = true;
  } else {
    if (!(await stat(join(input.etcdDataDir, 'member')).catch(() => undefined))) {
      throw new RfoError('RFO_USAGE', `--cluster-reset: there is no etcd data in ${input.etcdDataDir} to reset`, { hint: 'start rfo server normally, or restore a snapshot with --cluster-reset-restore-path' });
    }
    // etcd rewrites membership to just this member, keeping every key.
    extra = ['force-new-cluster=true'];
  }
  const stopEtcd = await input.startEtcd(extra);
  try {
    const members = await run({ cmd: join(ctx.binDir, 'etcdctl'), args: [...etcdctlArgs(ctx), 'member', 'list', '-w', 'json'] });
    const count = members.code === 0 ? ((JSON.parse(members.stdout) as { members?: unknown[] }).members ?? []).length : -1;
    if (count !== 1) throw new RfoError('RFO_SNAPSHOT_FAILED', `after the reset etcd reports ${count} members, expected 1: ${members.stderr.trim()}`);
  } finally {
    await stopEtcd();
  }
  ctx.log(`cluster reset done in ${((Date.now() - started) / 1000).toFixed(1)}s`);
  return nextSteps(input.dataDir, restored);
}
