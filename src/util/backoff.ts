// Pure: how long to wait before restarting a crashed process. Exponential
// from 1 s to 30 s; a process that ran stably for a minute starts over at 1 s.

export interface BackoffPolicy {
  readonly initialMs: number;
  readonly maxMs: number;
  /** A run at least this long resets the backoff. */
  readonly stableMs: number;
}

export const defaultBackoff: BackoffPolicy = { initialMs: 1_000, maxMs: 30_000, stableMs: 60_000 };

/** Delay before restart number `attempt` (1-based) after a run that lasted `ranMs`. */
export function nextDelayMs(policy: BackoffPolicy, attempt: number, ranMs: number): { delayMs: number; attempt: number } {
  const effective = ranMs >= policy.stableMs ? 1 : attempt;
  return { delayMs: Math.min(policy.maxMs, policy.initialMs * 2 ** (effective - 1)), attempt: effective };
}
