// `rfo --version`: the release version (vX.Y.Z+rforN), the commit it was
// built from, and the versions a support engineer asks for first.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { repoRoot } from '../build/paths.ts';
import { run } from '../util/exec.ts';
import { components, rfoVersion } from '../versions/table.ts';

/** A release writes build-info.json next to package.json; a checkout asks git. */
export async function readCommit(root = repoRoot): Promise<string> {
  try {
    const info = JSON.parse(await readFile(join(root, 'build-info.json'), 'utf8')) as { commit?: string };
    if (info.commit) return info.commit;
  } catch {
    // not a release tree; fall through to git
  }
  try {
    const git = await run({ cmd: 'git', args: ['-C', root, 'rev-parse', '--short=12', 'HEAD'] });
    if (git.code === 0 && git.stdout.trim()) return git.stdout.trim();
  } catch {
    // git not installed: the commit is unknown, which the output says
  }
  return 'unknown';
}

/**
 * A release tree ships its runtime beside rfo (lib/rfo/runtime): its manifest
 * says which minor this release is (`npm run release -- --minor 1.35` ships
 * the same rfo code with another runtime). A checkout has none: the tables.
 */
export async function readShippedVersions(root = repoRoot): Promise<{ rfo: string; kubernetes: string } | undefined> {
  try {
    const m = JSON.parse(await readFile(join(root, 'runtime', 'manifest.json'), 'utf8')) as { rfoVersion?: string; kubernetesVersion?: string };
    return m.rfoVersion && m.kubernetesVersion ? { rfo: m.rfoVersion, kubernetes: m.kubernetesVersion } : undefined;
  } catch {
    return undefined;
  }
}

export function renderVersion(commit: string, nodeVersion: string, shipped?: { rfo: string; kubernetes: string }): string {
  return [`rfo version ${shipped?.rfo ?? rfoVersion()} (${commit})`, `kubernetes version ${shipped?.kubernetes ?? components.kubernetes.version}`, `node version ${nodeVersion}`, ''].join('\n');
}
