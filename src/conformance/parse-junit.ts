// Pure: the summary of a run from the junit_01.xml e2e.test writes
// (--report-dir): per spec passed / failed / skipped, suite nodes apart.

export interface SpecResult {
  readonly name: string;
  readonly status: 'passed' | 'failed' | 'skipped';
  readonly seconds: number;
  /** The failure message's first line, for failed specs. */
  readonly message?: string;
}

export interface JunitSummary {
  readonly specs: readonly SpecResult[];
  readonly passed: number;
  readonly failed: number;
  /** Skipped at run time plus filtered out by --focus/--skip (junit lists both as skipped). */
  readonly skipped: number;
  /** Failed suite-level nodes ([SynchronizedBeforeSuite], [ReportAfterSuite]...). */
  readonly suiteFailures: readonly string[];
}

const unescape = (s: string) =>
  s
    .replace(/&#x([0-9a-fA-F]+);/g, (_, h: string) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&#(\d+);/g, (_, d: string) => String.fromCodePoint(Number(d)))
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');

function attr(tag: string, name: string): string | undefined {
  const m = new RegExp(`\\s${name}="([^"]*)"`).exec(tag);
  return m?.[1] !== undefined ? unescape(m[1]) : undefined;
}

/** Suite nodes are bracketed names without [It]: [SynchronizedBeforeSuite], [ReportAfterSuite], [DeferCleanup (Suite)]. */
const isSuiteNode = (name: string) => /^\[(SynchronizedBeforeSuite|SynchronizedAfterSuite|BeforeSuite|AfterSuite|ReportBeforeSuite|ReportAfterSuite|DeferCleanup \(Suite\))\]/.test(name);

export function parseJunit(xml: string): JunitSummary {
  const specs: SpecResult[] = [];
  const suiteFailures: string[] = [];
  for (const m of xml.matchAll(/<testcase\b([^>]*?)(\/>|>([\s\S]*?)<\/testcase>)/g)) {
    const open = m[1] ?? '';
    const body = m[3] ?? '';
    const name = (attr(open, 'name') ?? '').replace(/^\[It\] /, '');
    const seconds = Number(attr(open, 'time') ?? '0');
    const failure = /<(failure|error)\b([^>]*)>([^<]*)/.exec(body);
    const status: SpecResult['status'] = failure ? 'failed' : /<skipped\b/.test(body) ? 'skipped' : 'passed';
    if (isSuiteNode(name)) {
      if (status === 'failed') suiteFailures.push(name);
      continue;
    }
    // e2e.test leaves the message attribute empty and puts "[FAILED] why" in the element's text.
    const message = failure ? (attr(failure[2] ?? '', 'message') || unescape(failure[3] ?? '')).split('\n')[0] : undefined;
    specs.push({ name, status, seconds, ...(message !== undefined ? { message } : {}) });
  }
  const count = (s: SpecResult['status']) => specs.filter((x) => x.status === s).length;
  return { specs, passed: count('passed'), failed: count('failed'), skipped: count('skipped'), suiteFailures };
}
