// Pure: `rfo cis check` output. The table is kube-bench's text layout
// ([PASS]/[FAIL]/[WARN]/[INFO] per check under its section headers, the
// remediations of what failed, a summary per part and in total); -o json is
// kube-bench's JSON shape (Controls → tests → results, Totals), so tools
// that read kube-bench's report read this one.

import { benchmark, sectionTitles } from './cis-checks.ts';
import type { CisResult, Target } from './cis-types.ts';
import { totals } from './evaluate-cis.ts';

const partOf: Readonly<Record<Target, string>> = { master: '1', etcd: '2', controlplane: '3', node: '4', policies: '5' };
const kind = (r: CisResult) => (r.check.scored ? 'Automated' : 'Manual');
const sectionOf = (id: string) => (id.split('.').length > 2 ? id.split('.').slice(0, 2).join('.') : id.split('.')[0] ?? id);

function groups(results: readonly CisResult[]): { target: Target; results: CisResult[] }[] {
  const out: { target: Target; results: CisResult[] }[] = [];
  for (const r of results) {
    const last = out.at(-1);
    if (last?.target === r.check.target) last.results.push(r);
    else out.push({ target: r.check.target, results: [r] });
  }
  return out;
}

export function renderCisTable(results: readonly CisResult[], header: { readonly node: string; readonly role: string }): string {
  const lines: string[] = [`${benchmark.name} ${benchmark.version} (${benchmark.id}) — rfo ${header.role} node ${header.node}`, ''];
  for (const g of groups(results)) {
    const part = partOf[g.target];
    lines.push(`[INFO] ${part} ${sectionTitles[part] ?? ''}`);
    let section = '';
    for (const r of g.results) {
      const s = sectionOf(r.check.id);
      if (s !== section && s !== part) {
        section = s;
        lines.push(`[INFO] ${s} ${sectionTitles[s] ?? ''}`);
      }
      lines.push(`[${r.status}] ${r.check.id} ${r.check.title} (${kind(r)})`);
      if (r.status === 'FAIL' || r.status === 'WARN') {
        if (r.actual !== 'manual check') lines.push(`       found: ${r.actual}`, `       expected: ${r.expected}`);
      }
    }
    const remediations = g.results.filter((r) => (r.status === 'FAIL' || r.status === 'WARN') && r.check.remediation);
    if (remediations.length > 0) {
      lines.push('', `== Remediations ${g.target} ==`);
      for (const r of remediations) lines.push(`${r.check.id} ${r.check.remediation}`);
    }
    const t = totals(g.results);
    lines.push('', `== Summary ${g.target} ==`, `${t.pass} checks PASS`, `${t.fail} checks FAIL`, `${t.warn} checks WARN`, `${t.info} checks INFO`, '');
  }
  const t = totals(results);
  lines.push('== Summary total ==', `${t.pass} checks PASS`, `${t.fail} checks FAIL`, `${t.warn} checks WARN`, `${t.info} checks INFO`, '');
  return lines.join('\n');
}

/** kube-bench's --json shape. */
export function renderCisJson(results: readonly CisResult[], header: { readonly node: string; readonly role: string }): string {
  const controls = groups(results).map((g) => {
    const part = partOf[g.target];
    const sections = new Map<string, CisResult[]>();
    for (const r of g.results) sections.set(sectionOf(r.check.id), [...(sections.get(sectionOf(r.check.id)) ?? []), r]);
    const t = totals(g.results);
    return {
      id: part,
      version: benchmark.id,
      detected_version: benchmark.version,
      text: sectionTitles[part] ?? '',
      node_type: g.target,
      tests: [...sections].map(([section, rs]) => {
        const st = totals(rs);
        return {
          section,
          type: '',
          pass: st.pass,
          fail: st.fail,
          warn: st.warn,
          info: st.info,
          desc: sectionTitles[section] ?? '',
          results: rs.map((r) => ({
            test_number: r.check.id,
            test_desc: `${r.check.title} (${kind(r)})`,
            audit: r.reads,
            type: r.check.audit.kind === 'manual' ? 'manual' : r.check.audit.kind === 'na' ? 'skip' : '',
            remediation: r.check.remediation,
            test_info: [r.check.remediation],
            status: r.status,
            actual_value: r.actual,
            scored: r.check.scored,
            IsMultiple: false,
            expected_result: r.expected,
            reason: r.status === 'INFO' ? r.expected : '',
          })),
        };
      }),
      total_pass: t.pass,
      total_fail: t.fail,
      total_warn: t.warn,
      total_info: t.info,
    };
  });
  const t = totals(results);
  return `${JSON.stringify({ Controls: controls, Totals: { total_pass: t.pass, total_fail: t.fail, total_warn: t.warn, total_info: t.info }, node: header.node, role: header.role, benchmark: `${benchmark.name} ${benchmark.version}` }, null, 2)}\n`;
}
