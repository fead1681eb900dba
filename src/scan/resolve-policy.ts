// Pure: what each finding means for a release, and the CI gate. A reachable
// vulnerability with a fixed version is a violation unless security/vex.yaml
// justifies it with an unexpired entry; the violation names the module, the
// fixed version and the change that bumps it. Findings whose vulnerable code
// is not linked are not_affected (vulnerable_code_not_present) by the scan
// itself; reachable ones without any fix are reported, not gated.

import type { VulnFinding } from './parse-govulncheck.ts';
import type { Policy, PolicyEntry, VexJustification } from './parse-vex-policy.ts';

export type Precision = 'symbol' | 'module';

export interface ScannedArtifact {
  /** Binary name (image files: "<image>:<path>"). */
  readonly name: string;
  readonly kind: 'runtime-binary' | 'image-binary' | 'tool';
  /** Version-table component that builds it (empty for foreign binaries in a base image). */
  readonly component: string;
  /** The component's main module(s): a fix there is a component version bump. */
  readonly mainModules: readonly string[];
  readonly version: string;
  readonly sha256: string;
  readonly goVersion: string;
  /** symbol: the binary has a symbol table, so "reachable" means linked vulnerable functions. */
  readonly precision: Precision;
  readonly findings: readonly VulnFinding[];
}

export type VexStatus = 'not_affected' | 'affected' | 'under_investigation';

export interface Verdict {
  readonly finding: VulnFinding;
  readonly status: VexStatus;
  readonly justification?: VexJustification;
  /** impact_statement (not_affected) or action_statement (affected). */
  readonly statement: string;
  /** 'policy' when security/vex.yaml decided, else 'scan'. */
  readonly source: 'policy' | 'scan';
  readonly expires?: string;
  /** Set when this finding fails the gate. */
  readonly violation?: string;
}

export interface ArtifactVerdicts {
  readonly artifact: ScannedArtifact;
  readonly verdicts: readonly Verdict[];
}

export interface PolicyResult {
  readonly artifacts: readonly ArtifactVerdicts[];
  /** The gate: what rfo ships (runtime binaries, image contents). */
  readonly violations: readonly string[];
  /** The same findings in tools (cosign, govulncheck...): never shipped, so reported, not gated. */
  readonly toolViolations: readonly string[];
  /** Entries that matched nothing (fixed since, or a typo): worth removing. */
  readonly unused: readonly PolicyEntry[];
  /** Entries past their expiry that still match a finding. */
  readonly expired: readonly PolicyEntry[];
}

const stripV = (v: string) => v.replace(/^v/, '');

/** The change that removes the finding, as a command line a maintainer can follow. */
export function bumpHint(a: ScannedArtifact, f: VulnFinding): string {
  if (f.module === 'stdlib' || f.module === 'toolchain') {
    return `set goToolchain = 'go${stripV(f.fixedVersion)}' (or the newest patch) in src/versions/table.ts, then npm run build:runtime`;
  }
  if (!a.component) return `rebuild the base root file system with ${f.module} ${f.fixedVersion} or newer`;
  if (a.mainModules.includes(f.module)) {
    return `bump components['${a.component}'].version to ${f.fixedVersion} in src/versions/table.ts, then npm run gen:gomod -- ${a.component} && npm run build:runtime`;
  }
  return `add '${f.module}': '${f.fixedVersion}' to components['${a.component}'].goRequires in src/versions/table.ts, then npm run gen:gomod -- ${a.component} && npm run build:runtime`;
}

function matches(e: PolicyEntry, a: ScannedArtifact, f: VulnFinding): boolean {
  if (e.id !== f.id) return false;
  if (e.artifacts && !e.artifacts.includes(a.name) && !e.artifacts.includes(a.component)) return false;
  if (e.modules && !f.modules.some((m) => e.modules?.includes(m.path))) return false;
  return true;
}

function symbolsText(f: VulnFinding): string {
  const shown = f.symbols.slice(0, 3).join(', ');
  return f.symbols.length > 3 ? `${shown} and ${f.symbols.length - 3} more` : shown;
}

export function resolvePolicy(artifacts: readonly ScannedArtifact[], policy: Policy, today: string): PolicyResult {
  const used = new Set<PolicyEntry>();
  const expired = new Set<PolicyEntry>();
  const violations: string[] = [];
  const toolViolations: string[] = [];
  const out: ArtifactVerdicts[] = [];
  for (const a of artifacts) {
    const verdicts: Verdict[] = [];
    for (const f of a.findings) {
      const entry = policy.entries.find((e) => matches(e, a, f));
      if (entry) used.add(entry);
      const live = entry && entry.expires > today ? entry : undefined;
      if (entry && !live) expired.add(entry);
      if (live) {
        verdicts.push({
          finding: f,
          status: live.status,
          ...(live.justification ? { justification: live.justification } : {}),
          statement: live.impact,
          source: 'policy',
          expires: live.expires,
        });
        continue;
      }
      if (!f.reachable) {
        verdicts.push({
          finding: f,
          status: 'not_affected',
          justification: 'vulnerable_code_not_present',
          statement: `${f.module} ${f.foundVersion} is in ${a.name}, but none of the vulnerable symbols is linked into it (govulncheck, binary mode${a.precision === 'module' ? ', module precision' : ''}).`,
          source: 'scan',
        });
        continue;
      }
      if (!f.fixedVersion) {
        verdicts.push({
          finding: f,
          status: 'affected',
          statement: `No fixed version of ${f.module} exists yet; reachable through ${symbolsText(f)}. Justify it in security/vex.yaml or follow the advisory.`,
          source: 'scan',
        });
        continue;
      }
      const why = entry ? `its security/vex.yaml entry expired on ${entry.expires}` : 'security/vex.yaml does not justify it';
      const violation =
        `${a.name}: ${f.id}${f.aliases.length ? ` (${f.aliases.join(', ')})` : ''} in ${f.module} ${f.foundVersion} is reachable (${symbolsText(f) || 'module'}) ` +
        `and fixed in ${f.fixedVersion}; ${why}. Fix: ${bumpHint(a, f)}`;
      (a.kind === 'tool' ? toolViolations : violations).push(violation);
      verdicts.push({ finding: f, status: 'affected', statement: `Update ${f.module} to ${f.fixedVersion}: ${bumpHint(a, f)}.`, source: 'scan', violation });
    }
    out.push({ artifact: a, verdicts });
  }
  return {
    artifacts: out,
    violations,
    toolViolations,
    unused: policy.entries.filter((e) => !used.has(e)),
    expired: [...expired],
  };
}
