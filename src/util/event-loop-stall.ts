// For tests that prove work runs off the event loop (crypto on the thread
// pool): the longest stall of the loop while `work` ran, as a fraction of the
// time it ran — ~1 for synchronous work, small otherwise. Relative, so a busy
// host does not make such a test flaky.

import { monitorEventLoopDelay } from 'node:perf_hooks';

export async function stallDuring(work: () => Promise<unknown>): Promise<number> {
  const h = monitorEventLoopDelay({ resolution: 5 });
  h.enable();
  await new Promise((r) => setTimeout(r, 30)); // the histogram needs a first tick as its baseline
  const t0 = performance.now();
  await work();
  const ran = performance.now() - t0;
  await new Promise((r) => setTimeout(r, 20)); // a stall is only recorded once the loop turns again
  h.disable();
  return h.max / 1e6 / ran;
}
