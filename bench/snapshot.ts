// npm run bench:snapshot
// A ~200 MB etcd database (standalone etcd from the runtime, TLS, loopback),
// then in the same run: `etcdctl snapshot save` directly vs rfo's save
// (etcdctl + fsync + sha256 + atomic rename + record), rfo's compressed save,
// `etcdutl snapshot restore` directly vs rfo's verify-then-restore, and S3
// upload/download throughput to versitygw (TLS) on loopback.
// Results: bench/results/snapshot-<date>.json.

import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, stat, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { planCertSpecs } from '../src/pki/specs.ts';
import { applyPki } from '../src/pki/apply-pki.ts';
import { planEtcd } from '../src/components/plan-control-plane.ts';
import { supervise } from '../src/supervisor/supervisor.ts';
import { httpsGet, portFree, waitFor } from '../src/host/probes.ts';
import { run } from '../src/util/exec.ts';
import { etcdctlArgs, saveSnapshot } from '../src/etcd/snapshot-store.ts';
import type { SnapshotContext } from '../src/etcd/snapshot-store.ts';
import { verifyAndRestore } from '../src/etcd/cluster-reset.ts';
import { createS3Client } from '../src/s3/client.ts';
import { resolveS3Config } from '../src/s3/resolve-s3-config.ts';
import { findRuntime } from '../test/integration/helpers/runtime.ts';
import { startS3 } from '../test/integration/helpers/s3-server.ts';
import { saveBenchResult } from './save-result.ts';

const targetMiB = Number(process.env.RFO_BENCH_DB_MIB ?? 200);
const t0 = Date.now();
const progress = (m: string) => process.stderr.write(`[${((Date.now() - t0) / 1000).toFixed(1).padStart(6)}s] ${m}\n`);
const timed = async <T>(what: string, fn: () => Promise<T>): Promise<{ seconds: number; value: T }> => {
  const s = Date.now();
  const value = await fn();
  const seconds = (Date.now() - s) / 1000;
  progress(`${what}: ${seconds.toFixed(2)}s`);
  return { seconds, value };
};
async function freePort(from: number): Promise<number> {
  for (let p = from; p < from + 500; p += 3) if ((await portFree(p, '127.0.0.1')) && (await portFree(p + 1, '127.0.0.1')) && (await portFree(p + 2, '127.0.0.1'))) return p;
  throw new Error('no free ports');
}

const root = await mkdtemp('/var/tmp/rfo-bench-snap-');
const runtime = await findRuntime();
const bin = join(root, 'bin');
await symlink(join(runtime.dir, 'bin'), bin);
const tlsDir = join(root, 'tls');
await applyPki(tlsDir, planCertSpecs({ nodeName: 'bench', nodeIps: ['127.0.0.1'], tlsSans: [], serviceCidr: '10.43.0.0/16', clusterDomain: 'cluster.local' }), new Date());
const port = await freePort(32379);
const etcdSpec = planEtcd({
  binDir: bin, tlsDir, credDir: root, etcdDataDir: join(root, 'etcd'), etcdTiming: 'single', logsDir: root, nodeName: 'bench', nodeIp: '127.0.0.1', advertiseAddress: '127.0.0.1', bindAddress: '127.0.0.1',
  httpsPort: 0, etcdClientPort: port, etcdPeerPort: port + 1, clusterCidr: '', serviceCidr: '', serviceNodePortRange: '', clusterDomain: '',
  extraArgs: { etcd: ['quota-backend-bytes=8589934592'], 'kube-apiserver': [], 'kube-controller-manager': [], 'kube-scheduler': [], 'helm-controller': [] },
});
await mkdir(join(root, 'etcd'), { recursive: true, mode: 0o700 });
await mkdir(join(root, 'run'));
const etcd = supervise(etcdSpec, { runDir: join(root, 'run') });
let s3: Awaited<ReturnType<typeof startS3>> | undefined;
try {
  const tls = { caFile: join(tlsDir, 'etcd/server-ca.crt'), certFile: join(tlsDir, 'etcd/client.crt'), keyFile: join(tlsDir, 'etcd/client.key') };
  await waitFor('etcd', async () => (await httpsGet(`https://127.0.0.1:${port}/health`, tls)).body.includes('"health":"true"'), 60_000);
  const ctx: SnapshotContext = { nodeName: 'bench', snapshotDir: join(root, 'snapshots'), binDir: bin, tlsDir, etcdEndpoint: `https://127.0.0.1:${port}`, s3: undefined, log: () => {} };
  const etcdctl = (args: string[], input?: string) => run({ cmd: join(bin, 'etcdctl'), args: [...etcdctlArgs(ctx), ...args], ...(input !== undefined ? { input } : {}) });

  // Fill: 1 MiB values (etcd's request limit is 1.5 MiB), random so the db is not trivially small.
  const fill = await timed(`fill etcd with ${targetMiB} × 1 MiB values`, async () => {
    for (let i = 0; i < targetMiB; i++) {
      const r = await etcdctl(['put', `/bench/key-${String(i).padStart(5, '0')}`], randomBytes(768 * 1024).toString('base64'));
      if (r.code !== 0) throw new Error(`etcdctl put: ${r.stderr}`);
      if (i % 50 === 49) progress(`  ${i + 1}/${targetMiB} values`);
    }
  });
  void fill;
  const direct = join(root, 'direct.db');
  const etcdctlSave = await timed('etcdctl snapshot save (direct)', async () => {
    const r = await etcdctl(['snapshot', 'save', direct]);
    if (r.code !== 0) throw new Error(r.stderr);
  });
  const dbBytes = (await stat(direct)).size;
  const rfoSave = await timed('rfo save (etcdctl + fsync + sha256 + rename + record)', () => saveSnapshot(ctx, 'bench', { compress: false, retention: 0 }));
  const rfoSaveZip = await timed('rfo save --compress', () => saveSnapshot(ctx, 'benchzip', { compress: true, retention: 0 }));
  const etcdutlRestore = await timed('etcdutl snapshot restore (direct)', async () => {
    const r = await run({ cmd: join(bin, 'etcdutl'), args: ['snapshot', 'restore', direct, '--data-dir', join(root, 'restore-direct'), '--name', 'bench', '--initial-cluster', 'bench=https://127.0.0.1:2380', '--initial-advertise-peer-urls', 'https://127.0.0.1:2380'] });
    if (r.code !== 0) throw new Error(r.stderr);
  });
  const localFile = join(ctx.snapshotDir, rfoSave.value.local.file);
  const rfoRestore = await timed('rfo restore (sha256 check + status + etcdutl restore)', () =>
    verifyAndRestore({ ctx, path: localFile, expectedSha256: rfoSave.value.local.sha256, target: join(root, 'restore-rfo'), peerUrl: 'https://127.0.0.1:2380' }),
  );
  const zipFileName = join(ctx.snapshotDir, rfoSaveZip.value.local.file);
  const rfoRestoreZip = await timed('rfo restore of the compressed snapshot', () =>
    verifyAndRestore({ ctx, path: zipFileName, expectedSha256: rfoSaveZip.value.local.sha256, target: join(root, 'restore-rfo-zip'), peerUrl: 'https://127.0.0.1:2380' }),
  );

  const s3Port = await freePort(19400);
  s3 = await startS3({ tls: true, port: s3Port });
  await mkdir(join(s3.dir, 'data', 'bench-snaps'));
  const client = await createS3Client(
    resolveS3Config({ 'etcd-s3': true, 'etcd-s3-endpoint': s3.endpoint, 'etcd-s3-endpoint-ca': s3.caFile, 'etcd-s3-access-key': s3.accessKey, 'etcd-s3-secret-key': s3.secretKey, 'etcd-s3-bucket': 'bench-snaps', 'etcd-s3-timeout': '10m' })!,
    progress,
  );
  const upload = await timed('S3 upload (multipart, verified)', () => client.upload(rfoSave.value.local.file, localFile));
  const download = await timed('S3 download', () => client.download(rfoSave.value.local.file, join(root, 'downloaded.db')));
  const mib = dbBytes / 1024 / 1024;
  const result = {
    benchmark: 'snapshot',
    date: new Date().toISOString(),
    host: { cpus: (await run({ cmd: 'nproc', args: [] })).stdout.trim() },
    dbMiB: Number(mib.toFixed(1)),
    compressedMiB: Number((rfoSaveZip.value.local.size / 1024 / 1024).toFixed(1)),
    save: { etcdctlSeconds: etcdctlSave.seconds, rfoSeconds: rfoSave.seconds, ratio: Number((rfoSave.seconds / etcdctlSave.seconds).toFixed(2)), rfoCompressedSeconds: rfoSaveZip.seconds },
    restore: { etcdutlSeconds: etcdutlRestore.seconds, rfoSeconds: rfoRestore.seconds, ratio: Number((rfoRestore.seconds / etcdutlRestore.seconds).toFixed(2)), rfoCompressedSeconds: rfoRestoreZip.seconds, keys: rfoRestore.value.keys },
    s3: { uploadSeconds: upload.seconds, uploadMiBps: Number((mib / upload.seconds).toFixed(1)), parts: upload.value.parts, downloadSeconds: download.seconds, downloadMiBps: Number((mib / download.seconds).toFixed(1)), server: 'versitygw v1.8.0 posix, TLS, loopback' },
    notes: 'rfo save = etcdctl snapshot save + fsync + sha256 + atomic rename + record; rfo restore = recorded-sha256 check + etcdutl snapshot status + etcdutl snapshot restore (hash trailer checked) into a scratch dir. The same run measures the direct etcdctl/etcdutl commands.',
  };
  const file = await saveBenchResult('snapshot', result);
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  process.stderr.write(
    `bench:snapshot ${result.dbMiB} MiB: save ${rfoSave.seconds.toFixed(2)}s vs etcdctl ${etcdctlSave.seconds.toFixed(2)}s (×${result.save.ratio}), restore ${rfoRestore.seconds.toFixed(2)}s vs etcdutl ${etcdutlRestore.seconds.toFixed(2)}s (×${result.restore.ratio}), S3 up ${result.s3.uploadMiBps} MiB/s, down ${result.s3.downloadMiBps} MiB/s → ${file}\n`,
  );
} finally {
  await etcd.stop();
  await s3?.stop();
  await rm(root, { recursive: true, force: true });
}
