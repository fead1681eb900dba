// Pure: image references at run time come from the staged runtime's
// manifest (what was really built into it), not from rfo's build-time
// version tables, so one rfo runs whichever runtime it was given.

import { RfoError } from '../errors.ts';
import type { RuntimeManifest } from '../build/render-manifest.ts';

export function imageRefOf(manifest: Pick<RuntimeManifest, 'artifacts' | 'key'>, component: string): string {
  const image = manifest.artifacts.find((a) => a.kind === 'image' && a.component === component);
  if (!image) throw new RfoError('RFO_RUNTIME_MISSING', `the runtime ${manifest.key} has no ${component} image`, { hint: 'rebuild it with npm run build:runtime, or pass --runtime-dir to a complete runtime' });
  return image.name;
}

/** The version of a component as built into the runtime, e.g. etcd's for ETCDSnapshotFile objects. */
export function componentVersionOf(manifest: Pick<RuntimeManifest, 'artifacts'>, component: string): string | undefined {
  for (const a of manifest.artifacts) if (a.kind === 'binary' && a.component === component) return a.version;
  return undefined;
}

/** A packaged chart's path inside the runtime (charts/<name>.tgz). */
export function chartPathOf(manifest: Pick<RuntimeManifest, 'artifacts' | 'key'>, name: string): string {
  const chart = manifest.artifacts.find((a) => a.kind === 'chart' && a.name === name);
  if (!chart) throw new RfoError('RFO_RUNTIME_MISSING', `the runtime ${manifest.key} has no ${name} chart`, { hint: 'rebuild it with npm run build:runtime, or pass --runtime-dir to a complete runtime' });
  return chart.path;
}
