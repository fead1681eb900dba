// Tools for tests, benchmarks and releases (table entries with `tool: true`):
// built from their Go modules exactly like runtime artifacts and cached under
// the same input-hashed keys, but returned as paths instead of being staged.

import { join } from 'node:path';
import { RfoError } from '../errors.ts';
import { components } from '../versions/table.ts';
import type { ComponentId } from '../versions/table.ts';
import { buildArtifact, readArtifactRecords } from './build-artifact.ts';
import { makePlan } from './build-runtime.ts';
import type { Progress } from './progress.ts';
import { formatElapsed } from './progress.ts';
import type { ToolchainFacts } from './plan-build.ts';

export interface BuildToolsOptions {
  readonly cacheDir: string;
  readonly toolchain: ToolchainFacts;
  readonly progress: Progress;
}

/** Builds what the cache lacks; returns binary name → absolute path. */
export async function buildTools(ids: readonly ComponentId[], options: BuildToolsOptions): Promise<Record<string, string>> {
  for (const id of ids) {
    if (components[id]?.tool !== true) {
      const tools = Object.values(components).filter((c) => c.tool).map((c) => c.id);
      throw new RfoError('RFO_VERSION_UNKNOWN', `"${id}" is not a tool in the version table`, { hint: `tools: ${tools.join(', ') || 'none'} (src/versions/table.ts)` });
    }
  }
  const plan = await makePlan({ cacheDir: options.cacheDir, only: ids, toolchain: options.toolchain, progress: options.progress });
  const paths: Record<string, string> = {};
  for (const step of plan.steps) {
    const started = Date.now();
    if (step.cached) options.progress.step(step.component, 'cached', components[step.component].version);
    else {
      options.progress.step(step.component, 'building', `${components[step.component].version} (${step.recipes.map((r) => r.name).join(', ')})`);
      await buildArtifact(step, { arch: plan.arch, toolchain: options.toolchain, progress: options.progress });
      options.progress.step(step.component, 'done', formatElapsed(Date.now() - started));
    }
    for (const record of await readArtifactRecords(step.dir)) paths[record.name] = join(step.dir, record.path);
  }
  return paths;
}
