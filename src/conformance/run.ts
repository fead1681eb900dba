// I/O shell: a lab of one server and two agents with the stand-in images
// preloaded, ginkgo + e2e.test run from the host against its API server, the
// result set written, the lab torn down. Returns whether every spec passed.

import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { copyFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { RfoError } from '../errors.ts';
import { labDown, labKubectl, labUp } from '../lab/lab.ts';
import { readState } from '../lab/lab-state.ts';
import { planLab } from '../lab/plan-lab.ts';
import { planLabRegistry } from './plan-lab-registry.ts';
import { startLabRegistry } from './lab-registry.ts';
import type { LabRegistry } from './lab-registry.ts';
import type { Progress as BuildProgress } from '../build/progress.ts';
import { formatElapsed } from '../build/progress.ts';
import { emptyProgress, renderProgress, stepProgress } from './parse-progress.ts';
import { parseJunit } from './parse-junit.ts';
import { parseTaintKeys, planGinkgoCommand } from './plan-run.ts';
import type { ConformanceOptions } from './plan-run.ts';
import { renderProductYaml, renderSummary, runFailed } from './render-results.ts';
import type { ConformanceBuild } from './build.ts';

export interface RunConformanceInput {
  readonly build: ConformanceBuild;
  readonly runtimeDir: string;
  readonly options: ConformanceOptions;
  readonly resultsDir: string;
  readonly version: string;
  readonly minor: string;
  readonly lab: { readonly dir: string; readonly subnet: string; readonly name: string; readonly registryPort: number };
  readonly progress: BuildProgress;
}

/** The admin kubeconfig of the first server, pointed at its lab address (the host reaches it over the lab bridge). */
async function hostKubeconfig(labDir: string, out: string): Promise<string> {
  const state = await readState(labDir);
  const server = state?.nodes.find((n) => n.role === 'server');
  if (!state || !server) throw new RfoError('RFO_LAB_NOT_FOUND', `no lab server in ${labDir}`, { hint: 'the lab did not come up; see its node logs' });
  const config = await readFile(join(server.dir, 'etc-rancher', 'rfo', 'rfo.yaml'), 'utf8');
  await writeFile(out, config.replace(/server: https:\/\/[^\s]+/g, `server: https://${server.ip}:6443`), { mode: 0o600 });
  return out;
}

async function runGinkgo(cmd: string, args: readonly string[], log: string, cwd: string, progress: BuildProgress): Promise<number> {
  const out = createWriteStream(log);
  const child = spawn(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  const started = Date.now();
  let p = emptyProgress;
  let lastShown = '';
  const show = () => {
    const line = renderProgress(p, Date.now() - started);
    if (line !== lastShown) progress.info(line);
    lastShown = line;
  };
  const timer = setInterval(show, 30_000);
  const onLine = (line: string) => {
    out.write(`${line}\n`);
    const named = p.failures.length;
    const done = p.passed + p.failed + p.skipped;
    p = stepProgress(p, line);
    // A failed spec's name is the line after its result line.
    if (p.failures.length > named) progress.info(`FAILED: ${p.failures.at(-1) ?? ''}`);
    if (p.passed + p.failed + p.skipped !== done && (p.total ?? 0) <= 50) show();
  };
  createInterface({ input: child.stdout }).on('line', onLine);
  createInterface({ input: child.stderr }).on('line', onLine);
  const code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? 1)));
  clearInterval(timer);
  show();
  await new Promise<void>((resolve) => out.end(resolve));
  return code;
}

export async function runConformance(input: RunConformanceInput): Promise<boolean> {
  const { options, progress, build } = input;
  const work = join(input.resultsDir, '.work');
  await rm(input.resultsDir, { recursive: true, force: true });
  await mkdir(work, { recursive: true });
  const log = (l: string) => progress.info(l);
  const startedAt = new Date().toISOString();
  const labStarted = Date.now();
  progress.info(`lab ${input.lab.name}: 1 server + 2 agents${options.profile ? `, profile ${options.profile}` : ''} (${input.lab.subnet}, ${input.lab.dir})`);
  // The nodes mirror the images' registries to a registry on the lab bridge (pull policy Always needs one).
  const { bridgeIp } = planLab({ servers: 1, agents: 2, labDir: input.lab.dir, subnet: input.lab.subnet, name: input.lab.name });
  const registryPlan = planLabRegistry({ bridgeIp, port: input.lab.registryPort, refs: build.imagePlan.build.flatMap((b) => b.refs) });
  let registry: LabRegistry | undefined;
  try {
    await labUp({
      servers: 1,
      agents: 2,
      labDir: input.lab.dir,
      subnet: input.lab.subnet,
      name: input.lab.name,
      runtimeDir: input.runtimeDir,
      images: [build.imagesArchive],
      ...(options.profile ? { config: `profile: ${options.profile}\n` } : {}),
      registries: registryPlan.registriesYaml,
      log,
    });
    progress.info(`lab up in ${formatElapsed(Date.now() - labStarted)}`);
    registry = await startLabRegistry({ bin: build.bin['lab-registry'] ?? '', archive: build.imagesArchive, address: registryPlan.address, workDir: work, log });
    progress.info(`nodes mirror ${registryPlan.mirrored.join(', ')} to it (registries.yaml)`);
    const kubeconfig = await hostKubeconfig(input.lab.dir, join(work, 'kubeconfig'));
    const taints = await labKubectl(['get', 'nodes', '-o', 'jsonpath={.items[*].spec.taints[*].key}'], { labDir: input.lab.dir });
    const bin = (name: string) => {
      const path = build.bin[name];
      if (!path) throw new RfoError('RFO_BUILD_FAILED', `no ${name} was built`, { hint: 'a bug in src/conformance/build.ts' });
      return path;
    };
    const { cmd, args } = planGinkgoCommand({
      ginkgo: bin('ginkgo'),
      e2eTest: bin('e2e.test'),
      kubeconfig,
      reportDir: input.resultsDir,
      options,
      nonBlockingTaints: parseTaintKeys(taints.stdout),
      kubectl: join(input.runtimeDir, 'bin', 'kubectl'),
    });
    progress.info(`running: ginkgo ${args.map((a) => (a.length > 120 ? `${a.slice(0, 117)}...` : a)).join(' ')}`);
    const ginkgoStarted = Date.now();
    const exit = await runGinkgo(cmd, args, join(input.resultsDir, 'e2e.log'), work, progress);
    const duration = (Date.now() - ginkgoStarted) / 1000;
    const junitXml = await readFile(join(input.resultsDir, 'junit_01.xml'), 'utf8').catch(() => '');
    const junit = parseJunit(junitXml);
    await writeFile(join(input.resultsDir, 'PRODUCT.yaml'), renderProductYaml({ version: input.version }));
    const built = build.imagePlan.build.flatMap((b) => b.refs.map((ref) => ({ ref, standIn: b.recipe.standIn })));
    const selection = options.subset ? `subset ${options.subset}` : (options.focus ?? '\\[Conformance\\]') + (options.skip ? ` minus ${options.skip}` : '');
    await writeFile(
      join(input.resultsDir, 'summary.json'),
      renderSummary({ version: input.version, minor: input.minor, profile: options.profile ?? 'default', selection, startedAt, durationSeconds: duration, junit, ginkgoExit: exit, images: built, imagesNotBuilt: build.imagePlan.notBuilt }),
    );
    progress.info(`results in ${input.resultsDir}: ${junit.passed} passed, ${junit.failed} failed, ${junit.skipped} skipped (filtered out included), ginkgo ${formatElapsed(duration * 1000)}`);
    for (const f of junit.specs.filter((s) => s.status === 'failed')) progress.info(`  FAILED ${f.name}: ${f.message ?? ''}`);
    if (!junitXml) progress.info('no junit_01.xml: ginkgo stopped before the suite reported (see e2e.log)');
    return !runFailed(junit, exit) && junitXml !== '';
  } finally {
    await registry?.stop();
    if (options.keepLab) progress.info(`lab kept: rfo lab down --lab-dir ${input.lab.dir}`);
    else {
      // The nodes' rfo logs say why a pod failed; keep them beside the results.
      const state = await readState(input.lab.dir).catch(() => undefined);
      for (const n of state?.nodes ?? []) await copyFile(join(n.dir, 'rfo.log'), join(work, `${n.name}-rfo.log`)).catch(() => undefined);
      await labDown({ labDir: input.lab.dir, log }).catch((err: unknown) => progress.info(`lab down: ${String(err)}`));
    }
  }
}
