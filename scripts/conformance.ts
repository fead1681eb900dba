// npm run conformance [-- --minor 1.36] [--focus REGEX] [--skip REGEX] [--subset ci] [--profile cis] [--procs N] [--results-dir DIR] [--keep-lab] [--build-only]
// Builds Kubernetes' conformance suite and its test images from the pinned
// k8s.io/kubernetes module, runs it against a 1 server + 2 agents `rfo lab`,
// and writes e2e.log, junit_01.xml, PRODUCT.yaml and summary.json under
// conformance/results/<version>/<full|subset-ci|focus>[-cis]/. Exits 1 if any spec failed. Root (the lab).
// The images are rebuilt stand-ins: an internal signal, not a CNCF submission.

import { join } from 'node:path';
import { isRfoError, RfoError } from '../src/errors.ts';
import { defaultCacheDir, repoRoot } from '../src/build/paths.ts';
import { createProgress, formatElapsed } from '../src/build/progress.ts';
import { buildRuntime } from '../src/build/build-runtime.ts';
import { reexecForMinor } from '../src/build/build-minor.ts';
import { readToolchain } from '../src/build/toolchain.ts';
import { buildConformance } from '../src/conformance/build.ts';
import { parseConformanceArgs } from '../src/conformance/plan-run.ts';
import { runConformance } from '../src/conformance/run.ts';
import { conformanceResultsName } from '../src/conformance/results-name.ts';
import { minorOf } from '../src/versions/minors.ts';
import { rfoVersion } from '../src/versions/table.ts';

async function main(): Promise<void> {
  const options = parseConformanceArgs(reexecForMinor(process.argv.slice(2)));
  const started = Date.now();
  const progress = createProgress((line) => process.stderr.write(`${line}\n`));
  const cacheDir = defaultCacheDir();
  const toolchain = await readToolchain();
  progress.info(`conformance suite of ${rfoVersion()}`);
  const build = await buildConformance({ cacheDir, toolchain, progress });
  const mins = Object.entries(build.timings).map(([k, v]) => `${k} ${v.toFixed(1)} min`);
  progress.info(`suite and images ready in ${formatElapsed(Date.now() - started)}${mins.length > 0 ? ` (cold: ${mins.join(', ')})` : ' (all cached)'}`);
  if (build.specImagesMissing.length > 0) {
    const list = build.specImagesMissing.map((m) => `${m.name} (${m.files.join(', ')})`).join('; ');
    // A whole run would spend 15 minutes per such spec waiting for a pod that cannot start.
    if (!options.focus && !options.subset && !options.buildOnly) {
      throw new RfoError('RFO_CONFORMANCE_IMAGE_MISSING', `conformance specs name images no recipe builds: ${list}`, { hint: 'add a stand-in recipe to src/conformance/images.ts, or run a --focus that leaves those specs out' });
    }
    progress.info(`WARNING: conformance specs name images no recipe builds, their specs will fail: ${list}`);
  }
  if (options.buildOnly) {
    for (const [name, path] of Object.entries(build.bin)) process.stdout.write(`${name} ${path}\n`);
    process.stdout.write(`images ${build.imagesArchive}\n`);
    return;
  }
  const runtime = await buildRuntime({ cacheDir, toolchain, progress });
  const ok = await runConformance({
    build,
    runtimeDir: runtime.plan.runtimeDir,
    options,
    resultsDir: options.resultsDir ?? join(repoRoot, 'conformance', 'results', rfoVersion(), conformanceResultsName(options)),
    version: rfoVersion(),
    minor: minorOf(rfoVersion()),
    lab: { dir: process.env.RFO_CONFORMANCE_LAB_DIR ?? '/var/lib/rfo-conformance-lab', subnet: process.env.RFO_CONFORMANCE_SUBNET ?? '10.197.89.0/24', name: process.env.RFO_CONFORMANCE_LAB_NAME ?? 'rfocf', registryPort: Number(process.env.RFO_CONFORMANCE_REGISTRY_PORT ?? 5055) },
    progress,
  });
  progress.info(`conformance ${ok ? 'passed' : 'FAILED'} in ${formatElapsed(Date.now() - started)}`);
  if (!ok) process.exitCode = 1;
}

main().catch((err: unknown) => {
  if (isRfoError(err)) process.stderr.write(`conformance: error [${err.code}]: ${err.message}${err.hint ? `\n  hint: ${err.hint}` : ''}\n`);
  else process.stderr.write(`conformance: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
