// Pure: progress from the ginkgo CLI's verbose output (--no-color -v), line
// by line: "Will run 446 of 7211 specs" gives the total, and each finished
// spec ends with a line starting "• [" (passed: "• [12.3 seconds]"; failed:
// "• [FAILED] [...]", also PANICKED, TIMEDOUT, INTERRUPTED) or "S [SKIPPED]".

export interface Progress {
  /** Specs ginkgo will run after --focus/--skip; undefined until it says. */
  readonly total?: number;
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
  /** Names of failed specs, in order. */
  readonly failures: readonly string[];
  /** The last spec heading seen (the line after a "------" separator), the name of the next result. */
  readonly current?: string;
  readonly afterSeparator: boolean;
}

export const emptyProgress: Progress = { passed: 0, failed: 0, skipped: 0, failures: [], afterSeparator: false };

const failedResult = /^• \[(FAILED|PANICKED|TIMEDOUT|INTERRUPTED)\]/;

export function stepProgress(p: Progress, rawLine: string): Progress {
  const line = rawLine.replace(/\r$/, '');
  const willRun = /^Will run (\d+) of (\d+) specs/.exec(line);
  if (willRun) return { ...p, total: Number(willRun[1]), afterSeparator: false };
  if (/^-{10,}$/.test(line)) return { ...p, afterSeparator: true };
  if (p.afterSeparator && line.trim() !== '' && !line.startsWith('•') && !line.startsWith('S [')) return { ...p, current: line.trim(), afterSeparator: false };
  if (failedResult.test(line)) return { ...p, failed: p.failed + 1, failures: [...p.failures, p.current ?? line], afterSeparator: false };
  if (/^• \[\d/.test(line) || /^•$/.test(line)) return { ...p, passed: p.passed + 1, afterSeparator: false };
  if (/^S \[SKIPPED\]/.test(line)) return { ...p, skipped: p.skipped + 1, afterSeparator: false };
  return p.afterSeparator ? { ...p, afterSeparator: false } : p;
}

export function renderProgress(p: Progress, elapsedMs: number): string {
  const done = p.passed + p.failed + p.skipped;
  const mins = Math.floor(elapsedMs / 60_000);
  const secs = Math.floor((elapsedMs % 60_000) / 1000);
  return `conformance: ${done}/${p.total ?? '?'} specs (${p.passed} passed, ${p.failed} failed, ${p.skipped} skipped), ${mins}m${String(secs).padStart(2, '0')}s`;
}
