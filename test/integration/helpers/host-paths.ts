// I/O for src/build/plan-test-host-cleanup.ts: lists the host paths rfo's
// components write before the integration run, and at its end removes what
// the run added (never what was there, never anything mounted).

import { readdir, readFile, rm } from 'node:fs/promises';
import { parseMountPoints } from '../../../src/lab/plan-mount-points.ts';
import { planTestHostCleanup, runtimeHostPaths } from '../../../src/build/plan-test-host-cleanup.ts';
import type { HostPathListing } from '../../../src/build/plan-test-host-cleanup.ts';

async function list(): Promise<HostPathListing> {
  const out: Record<string, string[] | null> = {};
  for (const p of runtimeHostPaths) out[p] = await readdir(p).catch(() => null);
  return out;
}

/** Lists the paths now; the returned function removes what was added since and says what it did. */
export async function recordHostPaths(): Promise<() => Promise<{ removed: string[]; kept: string[] }>> {
  const before = await list();
  return async () => {
    const plan = planTestHostCleanup(before, await list(), parseMountPoints(await readFile('/proc/self/mountinfo', 'utf8')));
    for (const p of plan.remove) await rm(p, { recursive: true, force: true });
    return { removed: [...plan.remove], kept: [...plan.kept] };
  };
}
