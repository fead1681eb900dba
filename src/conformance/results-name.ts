// Pure: the name of a run's results directory under conformance/results/<version>/.
// Each kind of run keeps its own, so the CI subset never overwrites the full
// suite's results, which the release publishes (src/release/conformance-publish.ts).

import type { ConformanceOptions } from './plan-run.ts';

/** `full`, `subset-ci` or `focus`, with `-cis` for the hardened profile. */
export function conformanceResultsName(o: Pick<ConformanceOptions, 'focus' | 'skip' | 'subset' | 'profile'>): string {
  const selection = o.subset ? `subset-${o.subset}` : o.focus || o.skip ? 'focus' : 'full';
  return `${selection}${o.profile ? `-${o.profile}` : ''}`;
}
