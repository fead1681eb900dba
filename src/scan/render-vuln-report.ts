// Pure: the scan's outputs. Per artifact and for the whole runtime:
//   - the JSON report (schema rfo.dev/vulnerability-report/v1): scanner,
//     database (version, h1 hash, layout hash), every finding with its verdict;
//   - a table for people (ID, module, found, fixed, reachable, status, aliases);
//   - an OpenVEX v0.2.0 document: one statement per finding and product.
// Images add which binaries they carry and, for images on a base root file
// system, the OS packages found there, which this scan does not cover.

import type { VulnDbInfo } from './vulndb.ts';
import type { ArtifactVerdicts, PolicyResult, ScannedArtifact, Verdict } from './resolve-policy.ts';

export const reportSchema = 'rfo.dev/vulnerability-report/v1';

/** The whole-runtime files: in dist/scan/<arch>/, in a release, and beside an installed runtime. */
export const reportFileNames = (arch: string) => ({
  report: `vulnerability-report-${arch}.json`,
  table: `vulnerability-report-${arch}.txt`,
  vex: `vulnerability-report-${arch}.openvex.json`,
});

export interface ImageContents {
  readonly ref: string;
  readonly path: string;
  readonly base: string;
  /** Go binaries found in the image's layers: path in the image → scanned artifact name. */
  readonly binaries: readonly { readonly path: string; readonly artifact: string; readonly sha256: string }[];
  /** Files that are executables but not Go (e.g. pause, a C program): not covered by govulncheck. */
  readonly otherExecutables: readonly string[];
  /** Set for images on a base root file system. */
  readonly osPackages?: {
    readonly covered: false;
    /** Where the package list came from (the RPM database path in the image), or why there is none. */
    readonly source: string;
    readonly packages: readonly string[];
  };
}

export interface ReportInput {
  readonly rfoVersion: string;
  readonly arch: string;
  readonly runtimeKey: string;
  readonly scanner: { readonly name: string; readonly version: string };
  readonly database: VulnDbInfo;
  readonly policy: { readonly path: string; readonly sha256: string };
  /** RFC 3339; the release passes its commit time so the documents are reproducible. */
  readonly timestamp: string;
  readonly result: PolicyResult;
  readonly images: readonly ImageContents[];
  /** Shipped binaries that are not Go (pause is C): govulncheck has nothing to say about them. */
  readonly notScanned: readonly { readonly name: string; readonly reason: string }[];
}

export interface ArtifactSummary {
  readonly name: string;
  readonly kind: string;
  readonly findings: number;
  readonly reachable: number;
  readonly reachableFixable: number;
  readonly justified: number;
  readonly violations: number;
}

function summarize(a: ArtifactVerdicts): ArtifactSummary {
  const v = a.verdicts;
  return {
    name: a.artifact.name,
    kind: a.artifact.kind,
    findings: v.length,
    reachable: v.filter((x) => x.finding.reachable).length,
    reachableFixable: v.filter((x) => x.finding.reachable && x.finding.fixedVersion !== '').length,
    justified: v.filter((x) => x.source === 'policy').length,
    violations: v.filter((x) => x.violation).length,
  };
}

function findingJson(v: Verdict) {
  const f = v.finding;
  return {
    id: f.id,
    aliases: f.aliases,
    summary: f.summary,
    module: f.module,
    foundVersion: f.foundVersion,
    fixedVersion: f.fixedVersion,
    modules: f.modules,
    reachable: f.reachable,
    symbols: f.symbols,
    status: v.status,
    ...(v.justification ? { justification: v.justification } : {}),
    statement: v.statement,
    decidedBy: v.source,
    ...(v.expires ? { expires: v.expires } : {}),
    ...(v.violation ? { violation: v.violation } : {}),
  };
}

/** What identifies a scanned artifact, in the per-artifact and the whole-runtime report alike. */
function identityJson(a: ScannedArtifact): Record<string, unknown> {
  return { name: a.name, kind: a.kind, component: a.component, version: a.version, sha256: a.sha256, goVersion: a.goVersion, precision: a.precision };
}

export function renderArtifactReport(input: ReportInput, a: ArtifactVerdicts): Record<string, unknown> {
  return {
    schema: reportSchema,
    rfoVersion: input.rfoVersion,
    arch: input.arch,
    scanner: input.scanner,
    database: input.database,
    policy: input.policy,
    timestamp: input.timestamp,
    artifact: identityJson(a.artifact),
    summary: summarize(a),
    findings: a.verdicts.map(findingJson),
  };
}

export function renderReport(input: ReportInput): Record<string, unknown> {
  return {
    schema: reportSchema,
    rfoVersion: input.rfoVersion,
    arch: input.arch,
    runtimeKey: input.runtimeKey,
    scanner: input.scanner,
    database: input.database,
    policy: input.policy,
    timestamp: input.timestamp,
    summary: input.result.artifacts.map(summarize),
    violations: input.result.violations,
    toolViolations: input.result.toolViolations,
    notScanned: input.notScanned,
    expiredPolicyEntries: input.result.expired.map((e) => e.id),
    unusedPolicyEntries: input.result.unused.map((e) => e.id),
    artifacts: input.result.artifacts.map((a) => ({ ...identityJson(a.artifact), findings: a.verdicts.map(findingJson) })),
    images: input.images,
  };
}

function pad(rows: string[][]): string[] {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ').trimEnd());
}

function statusText(v: Verdict): string {
  if (v.violation) return 'FIX NEEDED';
  if (v.status === 'not_affected') return `not_affected${v.source === 'policy' ? ` (vex.yaml, ${v.justification ?? ''}, until ${v.expires ?? ''})` : ''}`;
  return v.source === 'policy' ? `affected (vex.yaml, until ${v.expires ?? ''})` : 'affected, no fix yet';
}

export function renderArtifactTable(a: ArtifactVerdicts): string {
  const s = summarize(a);
  const head = `${a.artifact.name} ${a.artifact.version} (${a.artifact.goVersion || 'not Go'}, sha256 ${a.artifact.sha256.slice(0, 12)}…): ` +
    `${s.findings} known vulnerabilities in its modules, ${s.reachable} reachable, ${s.justified} justified in security/vex.yaml, ${s.violations} to fix` +
    (a.artifact.precision === 'module' ? ' [no symbol table: reachability at module precision]' : '');
  if (a.verdicts.length === 0) return `${head}\n`;
  const rows = [['ID', 'MODULE', 'FOUND', 'FIXED', 'REACHABLE', 'STATUS', 'ALIASES']];
  for (const v of a.verdicts) {
    const f = v.finding;
    rows.push([f.id, f.module, f.foundVersion, f.fixedVersion || '-', f.reachable ? `yes: ${f.symbols[0] ?? ''}${f.symbols.length > 1 ? ` +${f.symbols.length - 1}` : ''}` : 'no', statusText(v), f.aliases.join(',') || '-']);
  }
  return `${head}\n${pad(rows).map((l) => `  ${l}`).join('\n')}\n`;
}

export function renderTable(input: ReportInput): string {
  const lines = [
    `Vulnerability scan of rfo ${input.rfoVersion} ${input.arch} (runtime ${input.runtimeKey})`,
    `scanner ${input.scanner.name} ${input.scanner.version}; database ${input.database.module}@${input.database.version} (${input.database.entries} entries, updated ${input.database.modified})`,
    '',
  ];
  for (const a of input.result.artifacts) lines.push(renderArtifactTable(a));
  for (const img of input.images) {
    lines.push(`image ${img.ref} (${img.base}): Go binaries ${img.binaries.map((b) => `${b.path} = ${b.artifact}`).join(', ') || 'none'}` +
      (img.otherExecutables.length ? `; not Go, not scanned: ${img.otherExecutables.join(', ')}` : ''));
    if (img.osPackages) {
      lines.push(`  OS packages are NOT covered by this scan (Go code only). ${img.osPackages.packages.length} packages from ${img.osPackages.source}${img.osPackages.packages.length ? ':' : ''}`);
      for (const p of img.osPackages.packages) lines.push(`    ${p}`);
    }
  }
  for (const n of input.notScanned) lines.push(`not scanned: ${n.name}: ${n.reason}`);
  if (input.images.length || input.notScanned.length) lines.push('');
  lines.push(input.result.violations.length === 0 ? 'no reachable vulnerability with a fix is left unjustified' : `${input.result.violations.length} reachable vulnerabilities with a fix need a bump:`);
  for (const v of input.result.violations) lines.push(`  ${v}`);
  if (input.result.toolViolations.length) lines.push(`tools (not shipped, not gated): ${input.result.toolViolations.length} reachable vulnerabilities with a fix:`);
  for (const v of input.result.toolViolations) lines.push(`  ${v}`);
  for (const e of input.result.expired) lines.push(`  expired security/vex.yaml entry: ${e.id} (expired ${e.expires})`);
  for (const e of input.result.unused) lines.push(`  unused security/vex.yaml entry (nothing matches it any more): ${e.id}`);
  return `${lines.join('\n')}\n`;
}

function productId(a: ArtifactVerdicts['artifact'], rfoVersion: string): string {
  return `pkg:generic/rfo/${encodeURIComponent(a.name)}@${encodeURIComponent(a.version || rfoVersion)}?checksum=sha256:${a.sha256}`;
}

function subcomponentId(module: string, version: string): string {
  return `pkg:golang/${module}@${version}`;
}

/** OpenVEX v0.2.0 for the given artifacts (one artifact, or the whole runtime). */
export function renderOpenVex(input: ReportInput, artifacts: readonly ArtifactVerdicts[], docId: string): Record<string, unknown> {
  const statements = [];
  for (const a of artifacts) {
    for (const v of a.verdicts) {
      const f = v.finding;
      statements.push({
        vulnerability: { '@id': `https://pkg.go.dev/vuln/${f.id}`, name: f.id, ...(f.aliases.length ? { aliases: f.aliases } : {}), ...(f.summary ? { description: f.summary } : {}) },
        products: [
          {
            '@id': productId(a.artifact, input.rfoVersion),
            identifiers: { purl: productId(a.artifact, input.rfoVersion) },
            hashes: { 'sha-256': a.artifact.sha256 },
            subcomponents: f.modules.map((m) => ({ '@id': subcomponentId(m.path, m.foundVersion) })),
          },
        ],
        status: v.status,
        ...(v.status === 'not_affected' ? { justification: v.justification, impact_statement: v.statement } : { action_statement: v.statement }),
      });
    }
  }
  return {
    '@context': 'https://openvex.dev/ns/v0.2.0',
    '@id': docId,
    author: 'rfo (npm run scan)',
    role: 'Document Creator',
    timestamp: input.timestamp,
    version: 1,
    tooling: `${input.scanner.name} ${input.scanner.version}, ${input.database.module}@${input.database.version}`,
    statements,
  };
}
