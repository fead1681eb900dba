// Pure: progress from the ginkgo CLI's verbose output (--no-color -v), line
// by line: "Will run 446 of 7211 specs" gives the total, and each finished
// spec's report starts with a line "• [12.3 seconds]" (passed), "• [FAILED]
// [...]" (also PANICKED, TIMEDOUT, INTERRUPTED) or "S [SKIPPED]", followed by
// the spec's text. Suite nodes ("[SynchronizedAfterSuite] PASSED") are no spec.

export interface Progress {
  /** Specs ginkgo will run after --focus/--skip; undefined until it says. */
  readonly total?: number;
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
  /** Names of failed specs, in order. */
  readonly failures: readonly string[];
  /** A failed result line was just seen: the spec's name is the next line. */
  readonly nameNext: boolean;
}

export const emptyProgress: Progress = { passed: 0, failed: 0, skipped: 0, failures: [], nameNext: false };

const failedResult = /^• \[(FAILED|PANICKED|TIMEDOUT|INTERRUPTED)\]/;

/** "[sig-network] Services [It] should serve ... [Conformance] [sig-network, Conformance]" → the spec text as --focus sees it. */
export function specText(line: string): string {
  return line.trim().replace(' [It] ', ' ').replace(/ \[[^\]]*, [^\]]*\]$/, '');
}

export function stepProgress(p: Progress, rawLine: string): Progress {
  const line = rawLine.replace(/\r$/, '');
  if (p.nameNext && line.trim() !== '') return { ...p, failures: [...p.failures, specText(line)], nameNext: false };
  const willRun = /^Will run (\d+) of (\d+) specs/.exec(line);
  if (willRun) return { ...p, total: Number(willRun[1]) };
  // Ginkgo prints a spec's result line first, then its text.
  if (failedResult.test(line)) return { ...p, failed: p.failed + 1, nameNext: true };
  if (/^• \[\d/.test(line) || /^•$/.test(line)) return { ...p, passed: p.passed + 1 };
  if (/^S \[SKIPPED\]/.test(line)) return { ...p, skipped: p.skipped + 1 };
  return p;
}

export function renderProgress(p: Progress, elapsedMs: number): string {
  const done = p.passed + p.failed + p.skipped;
  const mins = Math.floor(elapsedMs / 60_000);
  const secs = Math.floor((elapsedMs % 60_000) / 1000);
  return `conformance: ${done}/${p.total ?? '?'} specs (${p.passed} passed, ${p.failed} failed, ${p.skipped} skipped), ${mins}m${String(secs).padStart(2, '0')}s`;
}
