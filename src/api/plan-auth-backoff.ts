// Pure: how long the supervisor API holds back its answer to a failed
// authentication, per source (see plan-connection-limits.ts). The first few
// failures are free (a mistyped token, an agent retrying with an old one);
// after that each failure doubles the delay up to a cap. A success forgets
// the source; so does a quiet spell. Held answers keep a socket each, which
// the per-source connection cap bounds, so a source that floods gets slower
// answers and then refused connections, never more of the server.
//
// The table is the one piece of state: a Map in insertion order, oldest
// first, capped at maxSources (an attacker with many addresses evicts old
// entries instead of growing memory). The functions here update it in place
// and do nothing else.

export interface BackoffPolicy {
  /** Failures from one source answered without delay. */
  readonly freeFailures: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** A source quiet this long starts from zero again. */
  readonly forgetAfterMs: number;
  readonly maxSources: number;
}

export interface FailureRecord {
  readonly failures: number;
  readonly lastAt: number;
}

export type FailureTable = Map<string, FailureRecord>;

export interface FailureDecision {
  readonly failures: number;
  /** Hold the 401 back this long. */
  readonly delayMs: number;
  /** Log this one: the free failures and the first held back, then only every power of two, so a flood cannot fill the log. */
  readonly log: boolean;
}

export const defaultBackoff: BackoffPolicy = { freeFailures: 5, baseDelayMs: 125, maxDelayMs: 8_000, forgetAfterMs: 10 * 60_000, maxSources: 10_000 };

export function failureDelay(failures: number, p: BackoffPolicy): number {
  if (failures <= p.freeFailures) return 0;
  return Math.min(p.maxDelayMs, p.baseDelayMs * 2 ** Math.min(failures - p.freeFailures - 1, 30));
}

export function recordFailure(table: FailureTable, source: string, now: number, p: BackoffPolicy): FailureDecision {
  const prev = table.get(source);
  const failures = (prev && now - prev.lastAt <= p.forgetAfterMs ? prev.failures : 0) + 1;
  table.delete(source); // re-inserted last: the Map stays ordered oldest first
  table.set(source, { failures, lastAt: now });
  for (const oldest of table.keys()) {
    if (table.size <= p.maxSources) break;
    table.delete(oldest);
  }
  return { failures, delayMs: failureDelay(failures, p), log: failures <= p.freeFailures + 1 || (failures & (failures - 1)) === 0 };
}

export function recordSuccess(table: FailureTable, source: string): void {
  table.delete(source);
}

/** Drop sources quiet for forgetAfterMs (called now and then, so a table of one-off sources shrinks again). */
export function forgetQuiet(table: FailureTable, now: number, p: BackoffPolicy): void {
  for (const [source, r] of table) {
    if (now - r.lastAt <= p.forgetAfterMs) break; // oldest first: the rest are newer
    table.delete(source);
  }
}
