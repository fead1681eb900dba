// npm run bench:secrets
// Single-node server in a test node, started with secrets-encryption: false.
// In the same run: kube-apiserver's write latency for Secrets (sequential
// creates, p50/p99) in plaintext, then after `rfo secrets-encrypt enable`
// (aescbc) once kube-apiserver loaded it; then the reencryption throughput
// (Secrets per second) of `reencrypt` over 2,000 Secrets, and the wall time
// of `rotate-keys`. Results: bench/results/secrets-<date>.json.

import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { repoRoot } from '../src/build/paths.ts';
import { KubeClient } from '../src/kube/kube-client.ts';
import { parseKubeconfig } from '../src/kube/parse-kubeconfig.ts';
import { typeOf } from '../src/kube/resource-path.ts';
import { createTestNode } from '../test/integration/helpers/test-node.ts';
import { killallArgs, serverDirs, testServerArgs } from '../test/integration/helpers/server-dirs.ts';
import { findRuntime } from '../test/integration/helpers/runtime.ts';
import { eventually } from '../test/integration/helpers/eventually.ts';
import { untilReady } from '../test/integration/helpers/rfo-process.ts';
import { saveBenchResult } from './save-result.ts';

const writes = Number(process.env.RFO_BENCH_WRITES ?? 500);
const total = 2000;
const rfo = join(repoRoot, 'bin', 'rfo');
const root = await mkdtemp('/var/tmp/rfo-bench-secrets-');
const node = await createTestNode('rfo-bench-secrets', 45);
const runtimeDir = (await findRuntime()).dir;
const dirs = serverDirs(root, join(root, 'rfo.yaml'));
const { data, kubeconfig } = dirs;
const config = join(root, 'config.yaml');
await writeFile(config, 'secrets-encryption: false\n');
const args = testServerArgs(dirs, { config, nodeIp: node.ip, runtimeDir });
const secretType = typeOf('v1', 'Secret');

const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round((s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0) * 100) / 100;
};
const se = async (...a: string[]) => {
  const r = await node.exec(rfo, ['secrets-encrypt', ...a, '--config', '/dev/null', '--data-dir', data]);
  if (r.code !== 0) throw new Error(`secrets-encrypt ${a.join(' ')}: ${r.stderr}`);
  return r.stdout;
};
const status = async () => JSON.parse(await se('status', '-o', 'json')) as { stage: string; hashmatch: boolean };

const proc = spawn(node.prefix[0] ?? 'nsenter', [...node.prefix.slice(1), rfo, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
let out = '';
proc.stderr.on('data', (b: Buffer) => (out += b.toString()));
try {
  await untilReady(proc, () => out);
  // The host reaches the apiserver on the node's IP (its serving certificate names it).
  const creds = parseKubeconfig(await readFile(kubeconfig, 'utf8'), kubeconfig, (p) => resolve(dirname(kubeconfig), p));
  const client = await KubeClient.fromCredentials({ ...creds, server: `https://${node.ip}:6443` });

  let created = 0;
  const createTimed = async (n: number): Promise<number[]> => {
    const ms: number[] = [];
    for (let i = 0; i < n; i++) {
      const t = process.hrtime.bigint();
      await client.create(secretType, { apiVersion: 'v1', kind: 'Secret', metadata: { name: `bench-${created++}`, namespace: 'default' }, data: { v: Buffer.from(`value-${created}`).toString('base64') } });
      ms.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
    return ms;
  };
  // Let the start settle (the CoreDNS chart job, controllers' first syncs), then warm up connections and caches.
  await new Promise((r) => setTimeout(r, 20_000));
  await createTimed(100);
  const plain = await createTimed(writes);
  process.stderr.write(`plaintext: p50 ${percentile(plain, 50)} ms, p99 ${percentile(plain, 99)} ms\n`);

  await se('enable');
  const tEnable = Date.now();
  await eventually('kube-apiserver to load the enabled configuration', async () => (await status()).hashmatch, 180_000, 1000);
  const reloadSeconds = (Date.now() - tEnable) / 1000;
  const encrypted = await createTimed(writes);
  process.stderr.write(`aescbc: p50 ${percentile(encrypted, 50)} ms, p99 ${percentile(encrypted, 99)} ms (reload took ${reloadSeconds} s)\n`);

  // Up to 2,000 bench Secrets, most in plaintext: reencrypt rewrites them all (and the cluster's own).
  while (created < total) await client.create(secretType, { apiVersion: 'v1', kind: 'Secret', metadata: { name: `bench-${created++}`, namespace: 'default' }, data: { v: 'eA==' } });
  out = '';
  await se('reencrypt', '--force', '--skip');
  await eventually('the reencryption to finish', async () => (await status()).stage === 'reencrypt_finished', 600_000, 500);
  const line = /reencrypted (\d+) Secrets in ([\d.]+) s/.exec(out);
  const reencrypted = Number(line?.[1] ?? 0);
  const reencryptSeconds = Number(line?.[2] ?? 0);
  process.stderr.write(`reencrypt: ${reencrypted} Secrets in ${reencryptSeconds} s = ${(reencrypted / reencryptSeconds).toFixed(0)}/s\n`);

  const tRotate = Date.now();
  await se('rotate-keys');
  const rotateKeysSeconds = (Date.now() - tRotate) / 1000;
  process.stderr.write(`rotate-keys (one server, ${reencrypted} Secrets): ${rotateKeysSeconds} s\n`);

  const result = {
    benchmark: 'secrets',
    date: new Date().toISOString(),
    writeLatencyMs: {
      writes,
      plaintext: { p50: percentile(plain, 50), p99: percentile(plain, 99) },
      aescbc: { p50: percentile(encrypted, 50), p99: percentile(encrypted, 99) },
    },
    enableReloadSeconds: reloadSeconds,
    reencrypt: { secrets: reencrypted, seconds: reencryptSeconds, perSecond: Math.round(reencrypted / reencryptSeconds) },
    rotateKeysSeconds,
    notes: 'latency: sequential Secret creates from the host over TLS, 20 s after ready and 100 warm-up writes; reencrypt: from the server log line (rewrite of every Secret, 8 at a time, through kube-apiserver); rotate-keys includes waiting for kube-apiserver to reload the file (it polls once a minute)',
  };
  const file = await saveBenchResult('secrets', result);
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  process.stderr.write(`bench:secrets → ${file}\n`);
} finally {
  proc.kill('SIGTERM');
  await new Promise((r) => proc.once('exit', r));
  await node.exec(rfo, killallArgs(dirs));
  await node.destroy();
  await rm(root, { recursive: true, force: true });
}
