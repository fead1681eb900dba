// npm run test:integration — the integration tests, by default (RFO_TEST_LANES=2) in lanes
// (src/build/plan-test-lanes.ts): the host-global files alone, then the rest in two lanes
// side by side. Most of a cluster test's time is waiting, so two lanes finish in a little
// more than half the serial time, which is what keeps a cold CI inside its budget.
// RFO_TEST_LANES=1 runs every file one after another. Arguments narrow the run to those files.
//
// Each lane's full output (node's spec reporter) is printed when the lane ends;
// while it runs, only its finished top-level tests are printed, prefixed with
// the lane, so the log stays readable. Exit 1 if any test failed.

import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { repoRoot } from '../src/build/paths.ts';
import { planTestLanes } from '../src/build/plan-test-lanes.ts';
import { recordKernelTunables } from '../test/integration/helpers/kernel-tunables.ts';
import { recordHostPaths } from '../test/integration/helpers/host-paths.ts';

const dir = join(repoRoot, 'test', 'integration');
const args = process.argv.slice(2);
const files = args.length > 0 ? args : readdirSync(dir).filter((f) => f.endsWith('.test.ts')).map((f) => relative(repoRoot, join(dir, f)));
const laneCount = Number(process.env.RFO_TEST_LANES ?? '2');
const plan = planTestLanes(files, laneCount);
const t0 = Date.now();
const elapsed = () => `${((Date.now() - t0) / 60_000).toFixed(1)} min`;

interface LaneResult {
  readonly label: string;
  readonly code: number;
  readonly output: string;
}

function runFiles(label: string, laneFiles: readonly string[], stream: boolean): Promise<LaneResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--test', '--test-concurrency=1', '--test-reporter=spec', ...laneFiles], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let partial = '';
    const onData = (d: Buffer) => {
      const text = d.toString();
      output += text;
      if (stream) return void process.stdout.write(text);
      const lines = (partial + text).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) if (/^[✔✖] /.test(line)) process.stdout.write(`[${label} ${elapsed()}] ${line}\n`);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('close', (code) => resolve({ label, code: code ?? 1, output }));
  });
}

// Leave the CI host as found: what kubelets and containerd write where no flag moves it.
const restoreKernelTunables = await recordKernelTunables();
const cleanHostPaths = await recordHostPaths();
const results: LaneResult[] = [];
if (plan.exclusive.length > 0) {
  process.stdout.write(`integration: ${plan.exclusive.length} host-global files alone first: ${plan.exclusive.map((f) => f.slice(f.lastIndexOf('/') + 1)).join(', ')}\n`);
  results.push(await runFiles('alone', plan.exclusive, true));
}
process.stdout.write(
  `integration: ${plan.lanes.length} lane(s) side by side (${elapsed()} so far): ` +
    plan.lanes.map((l, i) => `lane ${i + 1} ~${Math.round((plan.laneSeconds[i] ?? 0) / 60)} min: ${l.length} files`).join('; ') +
    '\n',
);
const lanes = await Promise.all(plan.lanes.map((l, i) => runFiles(`lane ${i + 1}`, l, plan.lanes.length === 1)));
for (const r of lanes) {
  if (plan.lanes.length > 1) process.stdout.write(`\n===== ${r.label}: full output =====\n${r.output}\n`);
  results.push(r);
}
const restored = await restoreKernelTunables();
if (restored.length > 0) process.stdout.write(`integration: kernel parameters the kubelets set, put back: ${restored.join(', ')}\n`);
const hostPaths = await cleanHostPaths();
if (hostPaths.removed.length > 0) process.stdout.write(`integration: removed what the run added to the host: ${hostPaths.removed.join(', ')}\n`);
if (hostPaths.kept.length > 0) process.stdout.write(`integration: still mounted, left in place (a leak to look at): ${hostPaths.kept.join(', ')}\n`);
const count = (re: RegExp) => results.reduce((n, r) => n + Number(re.exec(r.output)?.[1] ?? 0), 0);
const failed = results.filter((r) => r.code !== 0);
process.stdout.write(
  `integration: ${count(/^ℹ pass (\d+)/m)} passed, ${count(/^ℹ fail (\d+)/m)} failed, in ${elapsed()}` +
    (failed.length > 0 ? `; failing: ${failed.map((r) => r.label).join(', ')}` : '') +
    '\n',
);
process.exit(failed.length === 0 ? 0 : 1);
