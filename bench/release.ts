// npm run bench:release
// Release build time (cold: the tarball/RPM cache for this input is dropped
// first; then warm), artifact sizes, and install time from a local artifact
// dir with install-rfo.sh into a temp root (three runs). The runtime itself is
// not rebuilt (see bench:build). Results: bench/results/release-<date>.json.

import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { defaultCacheDir } from '../src/build/paths.ts';
import { createProgress } from '../src/build/progress.ts';
import { readToolchain } from '../src/build/toolchain.ts';
import { buildRelease } from '../src/release/build-release.ts';
import { run } from '../src/util/exec.ts';
import { saveBenchResult } from './save-result.ts';

const root = await mkdtemp('/var/tmp/rfo-bench-release-');
const progress = createProgress((line) => process.stderr.write(`${line}\n`));
try {
  const toolchain = await readToolchain();
  const cacheDir = join(root, 'cache');
  // A private release cache makes the first build cold; the runtime comes from the shared cache.
  await mkdir(join(cacheDir, 'runtime'), { recursive: true });
  await run({ cmd: 'cp', args: ['-al', join(defaultCacheDir(), 'runtime', '.'), join(cacheDir, 'runtime')] });
  await run({ cmd: 'cp', args: ['-al', join(defaultCacheDir(), 'artifacts'), cacheDir] });
  const cold = await buildRelease({ distDir: join(root, 'dist'), cacheDir, toolchain, progress });
  const warm = await buildRelease({ distDir: join(root, 'dist'), cacheDir, toolchain, progress });
  const installs: number[] = [];
  for (let i = 0; i < 3; i++) {
    const target = join(root, `root-${i}`);
    const t0 = Date.now();
    const r = await run({
      cmd: 'sh',
      args: [join(root, 'dist', 'install-rfo.sh')],
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', TMPDIR: root, INSTALL_RFO_ARTIFACT_PATH: cold.versionDir, INSTALL_RFO_TAR_PREFIX: join(target, 'usr', 'local'), INSTALL_RFO_AGENT_IMAGES_DIR: join(target, 'images'), INSTALL_RFO_SKIP_RELOAD: 'true' },
    });
    if (r.code !== 0) throw new Error(`install failed: ${r.stderr}`);
    installs.push((Date.now() - t0) / 1000);
    await rm(target, { recursive: true, force: true });
  }
  const out = {
    date: new Date().toISOString(),
    version: cold.version,
    arch: cold.arch,
    releaseBuildColdSeconds: cold.totalMs / 1000,
    releaseBuildWarmSeconds: warm.totalMs / 1000,
    coldStepsMs: cold.timings,
    sizesMiB: Object.fromEntries(Object.entries(cold.sizes).map(([k, v]) => [k, Math.round((v / 1024 ** 2) * 10) / 10])),
    installFromLocalDirSeconds: installs,
    key: cold.keyKind,
  };
  const file = await saveBenchResult('release', out);
  process.stdout.write(`${JSON.stringify(out, null, 2)}\nbench:release: cold ${out.releaseBuildColdSeconds.toFixed(1)}s, warm ${out.releaseBuildWarmSeconds.toFixed(1)}s, install ${installs.map((s) => s.toFixed(1)).join('/')}s → ${file}\n`);
} finally {
  await rm(root, { recursive: true, force: true });
}
