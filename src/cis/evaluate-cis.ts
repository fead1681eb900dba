// Pure: the checks (cis-checks.ts) against the facts one node's collector
// read. kube-bench's rules: a passing audit is PASS; a failing one is FAIL
// when the check is scored (Automated) and WARN when it is Manual; a check
// left to the operator is WARN; one that does not apply to rfo is INFO.

import type { Audit, CisCheck, CisFacts, CisResult, CisStatus, FileFact, Target, ValueTest } from './cis-types.ts';

/** Which parts of the benchmark a node answers: a server all five, an agent the worker node section. */
export function targetsFor(role: 'server' | 'agent'): readonly Target[] {
  return role === 'server' ? ['master', 'etcd', 'controlplane', 'node', 'policies'] : ['node'];
}

const items = (v: string) => v.split(',').map((s) => s.trim()).filter(Boolean);

/** One value against a test; undefined means "not set". */
export function testValue(t: ValueTest, v: string | undefined): boolean {
  switch (t.op) {
    case 'set':
      return v !== undefined && v !== '';
    case 'unset':
      return v === undefined;
    case 'eq':
      return v === t.value;
    case 'ne':
      return v !== undefined && v !== t.value;
    case 'has':
      return v !== undefined && items(v).includes(t.value);
    case 'lacks':
      return v !== undefined && !items(v).includes(t.value);
    case 'gte':
      return v !== undefined && /^-?\d+$/.test(v.trim()) && Number(v) >= t.value;
    case 'within':
      return v !== undefined && items(v).length > 0 && items(v).every((x) => t.values.includes(x));
  }
}

export function describeTest(name: string, t: ValueTest): string {
  switch (t.op) {
    case 'set':
      return `${name} is set`;
    case 'unset':
      return `${name} is not set`;
    case 'eq':
      return `${name} is ${t.value}`;
    case 'ne':
      return `${name} is not ${t.value}`;
    case 'has':
      return `${name} has ${t.value}`;
    case 'lacks':
      return `${name} does not have ${t.value}`;
    case 'gte':
      return `${name} >= ${t.value}`;
    case 'within':
      return `${name} only from the strong list`;
  }
}

const octal = (m: number) => m.toString(8).padStart(4, '0');
const fileLine = (x: FileFact) => `${octal(x.mode)} ${x.owner} ${x.path}`;

/** A dotted path into the merged kubelet configuration, as text (arrays joined with commas). */
function configValue(config: Readonly<Record<string, unknown>>, field: string): string | undefined {
  let v: unknown = config;
  for (const part of field.split('.')) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[part] : undefined;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return String(v);
  return Array.isArray(v) ? v.map((x) => (typeof x === 'string' ? x : JSON.stringify(x))).join(',') : undefined;
}

interface Evaluated {
  readonly pass: boolean;
  readonly actual: string;
  readonly reads: string;
  readonly expected: string;
}

function evaluateAudit(a: Exclude<Audit, { kind: 'manual' } | { kind: 'na' }>, facts: CisFacts): Evaluated {
  switch (a.kind) {
    case 'flags': {
      const proc = facts.processes[a.component];
      const reads = `${a.component} ${a.tests.map((t) => `--${t.flag}`).join(' ')}`;
      const expected = a.tests.map((t) => describeTest(`--${t.flag}`, t.test) + (t.unsetPasses ? ' (or not set)' : '')).join(a.any ? ' OR ' : ' AND ');
      if (!proc) return { pass: false, actual: `${a.component} is not running`, reads, expected };
      const results = a.tests.map((t) => {
        const v = proc.flags[t.flag]?.at(-1);
        return { ok: v === undefined && t.unsetPasses === true ? true : testValue(t.test, v), text: v === undefined ? `--${t.flag} (not set)` : `--${t.flag}=${v}` };
      });
      return { pass: a.any ? results.some((r) => r.ok) : results.every((r) => r.ok), actual: results.map((r) => r.text).join(' '), reads, expected };
    }
    case 'file': {
      const reads = `stat ${a.files}`;
      const expected = [a.maxMode !== undefined ? `permissions ${octal(a.maxMode)} or more restrictive` : '', a.owner ? `owned by ${a.owner}` : ''].filter(Boolean).join(', ');
      const files = facts.files[a.files];
      if (!files) return { pass: false, actual: `${a.files}: not found (is rfo running here?)`, reads, expected };
      if (files.length === 0) return { pass: a.optional === true, actual: 'no such file', reads, expected };
      const bad = files.filter((x) => (a.maxMode !== undefined && (x.mode & ~a.maxMode) !== 0) || (a.owner !== undefined && x.owner !== a.owner));
      const shown = bad.length > 0 ? bad : files;
      const list = shown.slice(0, 6).map(fileLine).join('; ') + (shown.length > 6 ? `; … (${shown.length} files)` : '');
      return { pass: bad.length === 0, actual: list, reads: `stat ${files.length === 1 ? (files[0]?.path ?? a.files) : a.files}`, expected };
    }
    case 'kubelet': {
      const s = a.setting;
      const reads = `kubelet --${s.flag}, else ${s.field} in its configuration (--config-dir)`;
      const expected = describeTest(s.field, a.test) + (a.unsetPasses ? ' (or not set)' : '');
      if (!facts.processes.kubelet) return { pass: false, actual: 'kubelet is not running', reads, expected };
      const flag = facts.processes.kubelet.flags[s.flag]?.at(-1);
      const fromConfig = configValue(facts.kubeletConfig, s.field);
      const value = flag ?? fromConfig ?? s.default;
      const source = flag !== undefined ? `--${s.flag}` : fromConfig !== undefined ? s.field : `${s.field} (kubelet default)`;
      const pass = value === undefined && a.unsetPasses === true ? true : testValue(a.test, value);
      return { pass, actual: `${source}=${value ?? '(not set)'}`, reads, expected };
    }
    case 'fact': {
      const o = a.evaluate(facts);
      return { ...o, reads: a.reads, expected: a.expected };
    }
  }
}

export function evaluateCheck(c: CisCheck, facts: CisFacts): CisResult {
  const a = c.audit;
  if (a.kind === 'na') return { check: c, status: 'INFO', actual: 'not applicable', reads: '', expected: a.why };
  if (a.kind === 'manual') return { check: c, status: 'WARN', actual: 'manual check', reads: a.reads ?? '', expected: 'review by the operator' };
  const e = evaluateAudit(a, facts);
  const status: CisStatus = e.pass ? 'PASS' : c.scored ? 'FAIL' : 'WARN';
  return { check: c, status, actual: e.actual, reads: e.reads, expected: e.expected };
}

/** Every check of the node's targets, in benchmark order. */
export function evaluateCis(checks: readonly CisCheck[], facts: CisFacts): CisResult[] {
  const targets = targetsFor(facts.role);
  return checks.filter((c) => targets.includes(c.target)).map((c) => evaluateCheck(c, facts));
}

export interface CisTotals {
  readonly pass: number;
  readonly fail: number;
  readonly warn: number;
  readonly info: number;
}

export function totals(results: readonly CisResult[]): CisTotals {
  const n = (s: CisStatus) => results.filter((r) => r.status === s).length;
  return { pass: n('PASS'), fail: n('FAIL'), warn: n('WARN'), info: n('INFO') };
}
