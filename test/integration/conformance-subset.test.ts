// The conformance suite's CI subset (src/conformance/subset-ci.ts) on every
// change, on both profiles, exactly as an operator runs it:
// `npm run conformance -- --subset ci [--profile cis]`, each on its own lab of
// one server and two agents, with the stand-in images and the lab registry.
//
// The suite (e2e.test, ginkgo, agnhost, the images) is cached in ~/.cache/rfo
// like every artifact. Cold, its build takes ~12 min of both cores, so it runs
// at idle priority (nice 19, idle I/O class): in a test lane it takes the CPU
// the other lane's clusters leave while they wait, and they keep what they
// need. The hardened run prepares the host with `rfo cis prepare` and puts the
// kernel parameters and the etcd account back afterwards.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { repoRoot } from '../../src/build/paths.ts';
import { labDown } from '../../src/lab/lab.ts';
import { statePath } from '../../src/lab/lab-state.ts';
import { run } from '../../src/util/exec.ts';
import { ciSubset } from '../../src/conformance/subset-ci.ts';
import { recordCisHost } from './helpers/cis-host.ts';
import type { CisHostRecord } from './helpers/cis-host.ts';

const script = join(repoRoot, 'scripts', 'conformance.ts');
const rfo = join(repoRoot, 'bin', 'rfo');
let root = '';
let host: CisHostRecord | undefined;
const labDir = () => join(root, 'lab');
const log = (l: string) => process.stderr.write(`${l}\n`);

before(async () => {
  root = await mkdtemp('/var/tmp/rfo-conformance-ci-');
});

after(async () => {
  // The script tears its lab down; this is for a run that was killed.
  if (existsSync(statePath(labDir()))) await labDown({ labDir: labDir(), log }).catch((err: unknown) => log(`lab down: ${String(err)}`));
  await host?.restore();
  if (root) await rm(root, { recursive: true, force: true });
});

/** Runs scripts/conformance.ts, its progress streamed to stderr; resolves with the exit code and output. */
function conformance(args: readonly string[], prefix: readonly string[] = []): Promise<{ code: number; output: string }> {
  const argv = [...prefix, process.execPath, script, ...args];
  const env = {
    ...process.env,
    RFO_CONFORMANCE_LAB_DIR: labDir(),
    RFO_CONFORMANCE_LAB_NAME: 'rfocfci',
    RFO_CONFORMANCE_SUBNET: '10.197.90.0/24',
  };
  return new Promise((resolve) => {
    const child = spawn(argv[0] ?? process.execPath, argv.slice(1), { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const onData = (d: Buffer) => {
      output += d.toString();
      process.stderr.write(d);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

interface Summary {
  readonly profile: string;
  readonly selection: string;
  readonly passed: number;
  readonly failed: number;
  readonly ran: number;
  readonly failures: readonly { readonly name: string; readonly message: string }[];
}

async function assertResults(dir: string, profile: string): Promise<void> {
  for (const f of ['e2e.log', 'junit_01.xml', 'PRODUCT.yaml', 'summary.json']) assert.ok((await stat(join(dir, f))).size > 0, `${f} written`);
  const summary = JSON.parse(await readFile(join(dir, 'summary.json'), 'utf8')) as Summary;
  assert.equal(summary.profile, profile);
  assert.equal(summary.selection, 'subset ci');
  assert.deepEqual(summary.failures.map((f) => `${f.name}: ${f.message.slice(0, 300)}`), []);
  assert.equal(summary.failed, 0);
  assert.equal(summary.passed, ciSubset.length, `every spec of the subset ran and passed (${summary.ran} ran)`);
}

test('the suite and its images build (cached in ~/.cache/rfo; cold at idle priority)', { timeout: 60 * 60_000 }, async () => {
  const t0 = Date.now();
  const r = await conformance(['--build-only'], ['nice', '-n', '19', 'ionice', '-c', '3']);
  assert.equal(r.code, 0, r.output.slice(-3000));
  for (const bin of ['e2e.test', 'ginkgo']) assert.match(r.output, new RegExp(`^${bin.replace('.', '\\.')} /\\S+$`, 'm'), `${bin} path printed`);
  log(`conformance suite ready in ${((Date.now() - t0) / 60_000).toFixed(1)} min`);
});

test('the CI subset passes on the default profile: 1 server + 2 agents', { timeout: 20 * 60_000 }, async () => {
  const results = join(root, 'results-default');
  const r = await conformance(['--subset', 'ci', '--results-dir', results]);
  assert.equal(r.code, 0, r.output.slice(-3000));
  await assertResults(results, 'default');
});

test('the CI subset passes on the hardened profile (profile: cis)', { timeout: 20 * 60_000 }, async () => {
  host = await recordCisHost();
  const prepared = await run({ cmd: rfo, args: ['cis', 'prepare', '--sysctl-conf', join(root, '90-rfo-cis.conf')] });
  assert.equal(prepared.code, 0, prepared.stderr);
  const results = join(root, 'results-cis');
  const r = await conformance(['--subset', 'ci', '--profile', 'cis', '--results-dir', results]);
  assert.equal(r.code, 0, r.output.slice(-3000));
  await assertResults(results, 'cis');
});
