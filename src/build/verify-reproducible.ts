// `build:runtime --verify-reproducible`: build every artifact a second time
// from scratch — an empty, private Go build cache and a different output
// directory — and require byte-identical binaries and image archives.

import { mkdtemp, rm, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildArtifact } from './build-artifact.ts';
import { writeRuntimeImages } from './build-images.ts';
import type { BuildPlan, ToolchainFacts } from './plan-build.ts';
import type { Progress } from './progress.ts';
import { formatElapsed } from './progress.ts';
import type { RuntimeManifest } from './render-manifest.ts';
import { placeFile } from './place-file.ts';

export interface ReproducibilityReport {
  readonly ok: boolean;
  readonly mismatches: readonly string[];
  readonly lines: readonly string[];
}

export async function verifyReproducible(
  plan: BuildPlan,
  manifest: RuntimeManifest,
  deps: { toolchain: ToolchainFacts; progress: Progress },
): Promise<ReproducibilityReport> {
  const work = await mkdtemp(join(tmpdir(), 'rfo-repro-'));
  const expected = new Map(manifest.artifacts.map((a) => [a.path, a.sha256]));
  const lines: string[] = [];
  const mismatches: string[] = [];
  try {
    const gocache = join(work, 'gocache');
    await mkdir(gocache);
    const bin = join(work, 'runtime', 'bin');
    await mkdir(bin, { recursive: true });
    for (const step of plan.steps) {
      const started = Date.now();
      deps.progress.step(step.component, 'building', 'second clean build (empty GOCACHE)');
      const outDir = join(work, 'artifacts', step.component);
      const records = await buildArtifact(step, { arch: plan.arch, toolchain: deps.toolchain, progress: deps.progress, env: { ...process.env, GOCACHE: gocache }, outDir });
      deps.progress.step(step.component, 'done', formatElapsed(Date.now() - started));
      for (const r of records) {
        await placeFile(join(outDir, r.path), join(bin, r.name));
        const same = expected.get(r.path) === r.sha256;
        if (!same) mismatches.push(r.path);
        lines.push(`${same ? 'identical' : 'DIFFERENT'}  ${r.path}  ${r.sha256}`);
      }
    }
    for (const image of await writeRuntimeImages(plan, bin, join(work, 'runtime'))) {
      const same = expected.get(image.path) === image.sha256;
      if (!same) mismatches.push(image.path);
      lines.push(`${same ? 'identical' : 'DIFFERENT'}  ${image.path}  ${image.sha256}`);
    }
    lines.push(`reproducible: ${mismatches.length === 0 ? 'yes' : 'NO'} (${lines.length} artifacts compared)`);
    return { ok: mismatches.length === 0, mismatches, lines };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
