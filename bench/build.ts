// npm run bench:build [-- --skip-multicall]
// Measures the runtime build: a cold build (empty artifact cache and empty Go
// build cache; the Go module cache stays warm, downloads are not measured),
// then a warm rebuild (everything cached), and disk use. It also builds the
// six Kubernetes components as separate binaries to compare against the
// multi-call binary (link time and disk). Results: bench/results/build-<date>.json.

import { mkdir, mkdtemp, readdir, readFile, rm, stat, lstat } from 'node:fs/promises';
import { tmpdir, cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { buildRuntime } from '../src/build/build-runtime.ts';
import { defaultCacheDir, wrapperDir } from '../src/build/paths.ts';
import type { RuntimeManifest } from '../src/build/render-manifest.ts';
import { createProgress, formatElapsed } from '../src/build/progress.ts';
import { pinnedGoEnv, readToolchain } from '../src/build/toolchain.ts';
import { readModuleFacts } from '../src/build/build-artifact.ts';
import { renderLdflags } from '../src/build/render-go-build.ts';
import { runChecked } from '../src/util/exec.ts';
import { binaryRecipes } from '../src/versions/recipes.ts';
import { components, rfoVersion } from '../src/versions/table.ts';
import { saveBenchResult } from './save-result.ts';

async function du(path: string): Promise<number> {
  const st = await lstat(path);
  if (!st.isDirectory()) return st.size;
  let total = 0;
  for (const name of await readdir(path)) total += await du(join(path, name));
  return total;
}

const mib = (bytes: number) => Math.round((bytes / 1024 ** 2) * 10) / 10;

const { values } = parseArgs({ options: { 'skip-multicall': { type: 'boolean', default: false } } });
const progress = createProgress((line) => process.stderr.write(`${line}\n`));
const toolchain = await readToolchain();
const work = await mkdtemp(join(tmpdir(), 'rfo-bench-'));
const cacheDir = join(work, 'cache');
const savedGocache = process.env.GOCACHE;
process.env.GOCACHE = join(work, 'gocache');
await mkdir(process.env.GOCACHE, { recursive: true });

try {
  progress.info(`cold build into ${cacheDir} (empty GOCACHE)`);
  const t0 = Date.now();
  const cold = await buildRuntime({ cacheDir, toolchain, progress });
  const coldSeconds = (Date.now() - t0) / 1000;
  const perComponent: Record<string, number> = {};
  for (const a of cold.manifest.artifacts) {
    if (a.kind === 'binary') perComponent[a.component] = Math.round(((perComponent[a.component] ?? 0) + a.buildSeconds) * 10) / 10;
  }

  progress.info('warm build (everything cached)');
  const t1 = Date.now();
  const warm = await buildRuntime({ cacheDir, toolchain, progress });
  const warmSeconds = (Date.now() - t1) / 1000;
  if (warm.built.length > 0) throw new Error(`warm build rebuilt ${warm.built.join(', ')}: the cache key is unstable`);

  // The cold build is a second clean build of the same recipe: if this machine
  // already has the runtime in its normal cache, compare them byte for byte.
  let reproducible: Record<string, unknown> = { compared: false };
  try {
    const mainManifest = JSON.parse(await readFile(join(defaultCacheDir(), 'runtime', cold.plan.runtimeKey, 'manifest.json'), 'utf8')) as RuntimeManifest;
    const theirs = new Map(mainManifest.artifacts.map((a) => [a.path, a.sha256]));
    const differing = cold.manifest.artifacts.filter((a) => theirs.get(a.path) !== a.sha256).map((a) => a.path);
    reproducible = { compared: true, artifacts: cold.manifest.artifacts.length, identical: differing.length === 0, differing };
  } catch {
    reproducible = { compared: false, reason: 'no runtime with this key in the default cache' };
  }

  const disk = {
    runtimeMiB: mib(await du(cold.plan.runtimeDir)),
    runtimeBinMiB: mib(await du(join(cold.plan.runtimeDir, 'bin'))),
    runtimeImagesMiB: mib(await du(join(cold.plan.runtimeDir, 'images'))),
    artifactCacheMiB: mib(await du(join(cacheDir, 'artifacts'))),
    goBuildCacheMiB: mib(await du(process.env.GOCACHE)),
  };

  let multicall: Record<string, unknown> | undefined;
  if (!values['skip-multicall']) {
    // Same sources, same flags, one binary per component (upstream style), on the warm Go cache.
    const recipe = binaryRecipes.find((r) => r.name === 'kubernetes');
    if (recipe?.kind !== 'go-binary') throw new Error('no kubernetes recipe');
    const k = components.kubernetes;
    const facts = await readModuleFacts('kubernetes', 'k8s.io/kubernetes', k.version);
    const ldflags = renderLdflags(recipe, k, facts.time, 'amd64');
    const separate: Record<string, { seconds: number; mib: number }> = {};
    const pkgs: Record<string, string> = {
      'kube-apiserver': 'k8s.io/kubernetes/cmd/kube-apiserver',
      'kube-controller-manager': 'k8s.io/kubernetes/cmd/kube-controller-manager',
      'kube-scheduler': 'k8s.io/kubernetes/cmd/kube-scheduler',
      kubelet: 'k8s.io/kubernetes/cmd/kubelet',
      'kube-proxy': 'k8s.io/kubernetes/cmd/kube-proxy',
      kubectl: 'k8s.io/kubernetes/cmd/kubectl',
    };
    for (const [name, pkg] of Object.entries(pkgs)) {
      const out = join(work, 'separate', name);
      const t = Date.now();
      progress.step('kubernetes', 'building', `separate ${name} (warm Go cache)`);
      await runChecked({
        cmd: 'go',
        args: ['build', '-trimpath', '-buildvcs=false', '-ldflags', ldflags, '-o', out, pkg],
        cwd: wrapperDir('kubernetes'),
        env: { ...pinnedGoEnv(), GOFLAGS: '-mod=mod', CGO_ENABLED: '0' },
        purpose: `building ${name} separately`,
      });
      separate[name] = { seconds: Math.round((Date.now() - t) / 100) / 10, mib: mib((await stat(out)).size) };
    }
    // Relink the multi-call binary on the same warm cache for a like-for-like link time.
    const t = Date.now();
    await runChecked({
      cmd: 'go',
      args: ['build', '-trimpath', '-buildvcs=false', '-ldflags', ldflags, '-o', join(work, 'separate', 'kubernetes'), '.'],
      cwd: wrapperDir('kubernetes'),
      env: { ...pinnedGoEnv(), GOFLAGS: '-mod=mod', CGO_ENABLED: '0' },
      purpose: 'relinking the multi-call binary',
    });
    const multiSeconds = Math.round((Date.now() - t) / 100) / 10;
    const sepMiB = Object.values(separate).reduce((s, x) => s + x.mib, 0);
    const sepSeconds = Object.values(separate).reduce((s, x) => s + x.seconds, 0);
    multicall = {
      separate,
      separateTotal: { seconds: Math.round(sepSeconds * 10) / 10, mib: Math.round(sepMiB * 10) / 10 },
      multicall: { seconds: multiSeconds, mib: mib((await stat(join(work, 'separate', 'kubernetes'))).size) },
    };
  }

  const result = {
    benchmark: 'build',
    date: new Date().toISOString(),
    rfoVersion: rfoVersion(),
    runtimeKey: cold.plan.runtimeKey,
    host: { cpus: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', go: toolchain.go, cc: toolchain.cc },
    coldSeconds: Math.round(coldSeconds * 10) / 10,
    coldPerComponentSeconds: perComponent,
    warmSeconds: Math.round(warmSeconds * 100) / 100,
    disk,
    reproducible,
    multicall,
    notes: 'cold = empty artifact cache + empty GOCACHE, warm Go module cache (downloads excluded); warm = nothing rebuilt',
  };
  const file = await saveBenchResult('build', result);
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  process.stderr.write(`bench:build cold ${formatElapsed(coldSeconds * 1000)}, warm ${formatElapsed(warmSeconds * 1000)}, runtime ${disk.runtimeMiB} MiB → ${file}\n`);
} finally {
  if (savedGocache === undefined) delete process.env.GOCACHE;
  else process.env.GOCACHE = savedGocache;
  await rm(work, { recursive: true, force: true });
}
