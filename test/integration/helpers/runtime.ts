// Locates the runtime that `npm run build:runtime` built for this checkout
// (same plan, same key), so integration tests exercise exactly those bytes.

import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { makePlan } from '../../../src/build/build-runtime.ts';
import { defaultCacheDir } from '../../../src/build/paths.ts';
import { createProgress } from '../../../src/build/progress.ts';
import { readToolchain } from '../../../src/build/toolchain.ts';
import type { RuntimeManifest } from '../../../src/build/render-manifest.ts';
import type { Arch } from '../../../src/versions/table.ts';

export interface BuiltRuntime {
  readonly dir: string;
  readonly manifest: RuntimeManifest;
  bin(name: string): string;
}

export async function findRuntime(arch?: Arch): Promise<BuiltRuntime> {
  const toolchain = await readToolchain(arch);
  const plan = await makePlan({ arch, cacheDir: defaultCacheDir(), toolchain, progress: createProgress(() => {}) });
  const manifestPath = join(plan.runtimeDir, 'manifest.json');
  try {
    await stat(manifestPath);
  } catch {
    throw new Error(`no runtime at ${plan.runtimeDir}: run \`npm run build:runtime\` first (npm test does)`);
  }
  const manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as RuntimeManifest;
  return { dir: plan.runtimeDir, manifest, bin: (name) => join(plan.runtimeDir, 'bin', name) };
}
