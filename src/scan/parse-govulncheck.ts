// Pure: govulncheck's JSON output (-format json: a stream of messages, one
// JSON object each: config, progress, SBOM, osv, finding) reduced to one
// finding per vulnerability and module. A finding whose first trace frame
// names a function is reachable ("symbol" level: the vulnerable code is
// linked into the binary and called); without one, only the module (or the
// package) is present and the vulnerable symbols were not linked.

import type { OsvEntry } from './render-vulndb.ts';

interface Frame {
  readonly module: string;
  readonly version?: string;
  readonly package?: string;
  readonly function?: string;
  readonly receiver?: string;
}

interface Message {
  readonly config?: { readonly scanner_version?: string; readonly db?: string; readonly db_last_modified?: string; readonly scan_level?: string };
  readonly SBOM?: { readonly go_version?: string; readonly modules?: readonly { path: string; version?: string }[] };
  readonly osv?: OsvEntry;
  readonly finding?: { readonly osv: string; readonly fixed_version?: string; readonly trace: readonly Frame[] };
}

export interface AffectedModule {
  /** Module path, or "stdlib" for the Go standard library. */
  readonly path: string;
  readonly foundVersion: string;
  /** Empty when no fixed version exists. */
  readonly fixedVersion: string;
}

export interface VulnFinding {
  readonly id: string;
  readonly aliases: readonly string[];
  readonly summary: string;
  /** The affected module (the first with a fix when several are affected). */
  readonly module: string;
  readonly foundVersion: string;
  /** Empty when no fixed version exists. */
  readonly fixedVersion: string;
  /** Every affected module of this binary (an advisory can name several, e.g. otel's exporters). */
  readonly modules: readonly AffectedModule[];
  readonly reachable: boolean;
  /** Reachable symbols (package.Func or package.Type.Method), sorted; empty when not reachable. */
  readonly symbols: readonly string[];
  /** Packages of the module that are linked in, when the finding is package-level. */
  readonly packages: readonly string[];
}

export interface GovulncheckResult {
  readonly scannerVersion: string;
  readonly goVersion: string;
  readonly findings: readonly VulnFinding[];
}

/** Splits a stream of concatenated JSON objects (what govulncheck writes). */
export function splitJsonStream(text: string): unknown[] {
  const out: unknown[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  let escaped = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (escaped) escaped = false;
      else if (c === '\\') escaped = true;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === '{') {
      if (depth++ === 0) start = i;
    } else if (c === '}') {
      if (--depth === 0) out.push(JSON.parse(text.slice(start, i + 1)));
    }
  }
  if (depth !== 0) throw new Error('govulncheck output ends inside a JSON object (truncated?)');
  return out;
}

function symbolName(f: Frame): string {
  const pkg = f.package ?? f.module;
  return f.receiver ? `${pkg}.${f.receiver.replace(/^\*/, '')}.${f.function ?? ''}` : `${pkg}.${f.function ?? ''}`;
}

export function parseGovulncheck(text: string): GovulncheckResult {
  const messages = splitJsonStream(text) as Message[];
  const osv = new Map<string, OsvEntry>();
  let scannerVersion = '';
  let goVersion = '';
  // One finding per advisory: govulncheck repeats it per trace, and in binary
  // mode can attribute a package of one module to a parent module (otel/sdk
  // packages to otel), so modules are collected and checked against the advisory.
  const groups = new Map<string, { modules: Map<string, AffectedModule>; symbols: Set<string>; packages: Set<string> }>();
  for (const m of messages) {
    if (m.config?.scanner_version) scannerVersion = m.config.scanner_version;
    if (m.SBOM?.go_version) goVersion = m.SBOM.go_version;
    if (m.osv) osv.set(m.osv.id, m.osv);
    if (!m.finding) continue;
    const top = m.finding.trace[0];
    if (!top) continue;
    const g = groups.get(m.finding.osv) ?? { modules: new Map<string, AffectedModule>(), symbols: new Set<string>(), packages: new Set<string>() };
    const prev = g.modules.get(top.module);
    const fixed = m.finding.fixed_version ?? '';
    if (!prev || (!prev.fixedVersion && fixed)) g.modules.set(top.module, { path: top.module, foundVersion: top.version ?? prev?.foundVersion ?? '', fixedVersion: fixed });
    if (top.function) g.symbols.add(symbolName(top));
    if (top.package) g.packages.add(top.package);
    groups.set(m.finding.osv, g);
  }
  const findings = [...groups.entries()]
    .map(([id, g]): VulnFinding => {
      const entry = osv.get(id);
      const named = new Set((entry?.affected ?? []).map((a) => a.package.name));
      const all = [...g.modules.values()].sort((a, b) => a.path.localeCompare(b.path));
      const inAdvisory = all.filter((m) => named.has(m.path));
      const modules = inAdvisory.length > 0 ? inAdvisory : all;
      const primary = modules.find((m) => m.fixedVersion) ?? modules[0] ?? { path: '', foundVersion: '', fixedVersion: '' };
      return {
        id,
        aliases: [...(entry?.aliases ?? [])],
        summary: entry?.summary ?? '',
        module: primary.path,
        foundVersion: primary.foundVersion,
        fixedVersion: primary.fixedVersion,
        modules,
        reachable: g.symbols.size > 0,
        symbols: [...g.symbols].sort(),
        packages: [...g.packages].sort(),
      };
    })
    .sort((a, b) => Number(b.reachable) - Number(a.reachable) || a.module.localeCompare(b.module) || a.id.localeCompare(b.id));
  return { scannerVersion, goVersion, findings };
}
