// Where build inputs and outputs live. The cache is outside the repo so a
// fresh clone (CI) reuses binaries built earlier on the same machine.

import { homedir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { components, wrapperName } from '../versions/table.ts';
import type { ComponentId } from '../versions/table.ts';

const sourceRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The checkout (or installed lib/rfo), also when running the compiled copy in dist/js (npm run build:js). */
export const repoRoot = basename(sourceRoot) === 'js' && basename(dirname(sourceRoot)) === 'dist' ? resolve(sourceRoot, '..', '..') : sourceRoot;

export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.RFO_CACHE_DIR || join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'rfo');
}

/** go/<component>, or the minor's own wrapper (go/kubernetes-1.35) when the build table names one. */
export function wrapperDir(component: ComponentId): string {
  return join(repoRoot, 'go', wrapperName(components[component]));
}
