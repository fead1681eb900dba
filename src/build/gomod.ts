// Pure text functions for the Go wrapper modules under go/<component>/.
//
// A wrapper module requires the pinned upstream module(s) and names the main
// packages we build as `tool` directives, so `go mod tidy` keeps them and
// go.sum pins every dependency. Kubernetes needs more: its go.mod requires the
// staging modules (k8s.io/api, ...) at the fake version v0.0.0 and points them
// at ./staging with replace directives that a dependent module ignores. So we
// replace each of them with its published v0.<minor>.<patch> — the list comes
// from Kubernetes' own go.mod, never typed by hand.

import { goLanguageVersion } from '../versions/table.ts';
import type { Component } from '../versions/table.ts';
import type { BinaryRecipe } from '../versions/recipes.ts';

/** Module path of a wrapper module; never published, only built locally. */
export function wrapperModulePath(component: Component): string {
  return `rfo.dev/runtime/${component.id}`;
}

/** Module paths that Kubernetes' go.mod replaces with a ./staging/ directory. */
export function parseStagingReplaces(kubernetesGoMod: string): string[] {
  const found = new Set<string>();
  for (const line of kubernetesGoMod.split('\n')) {
    const m = /^\s*(?:replace\s+)?(k8s\.io\/[A-Za-z0-9._-]+)\s+=>\s+\.\/staging\/src\/(\S+)\s*$/.exec(line);
    if (m?.[1] && m[1] === m[2]) found.add(m[1]);
  }
  return [...found].sort();
}

/** v1.36.3 → v0.36.3: the tag Kubernetes' staging modules are published under. */
export function stagingVersion(kubernetesVersion: string): string {
  const m = /^v1\.(\d+\.\d+.*)$/.exec(kubernetesVersion);
  if (!m) throw new Error(`not a Kubernetes v1.x version: ${kubernetesVersion}`);
  return `v0.${m[1]}`;
}

export interface WrapperGoModInput {
  readonly component: Component;
  readonly recipes: readonly BinaryRecipe[];
  /** For the kubernetes component: the staging modules to replace. */
  readonly stagingModules?: readonly string[];
}

/**
 * The go.mod we write before `go mod tidy` fills in the indirect requirements.
 * Tidy keeps every line written here.
 */
export function renderWrapperGoMod(input: WrapperGoModInput): string {
  const { component, recipes } = input;
  const lines = [`module ${wrapperModulePath(component)}`, '', `go ${goLanguageVersion}`, ''];
  if (component.modules.includes('k8s.io/kubernetes')) {
    // Kubernetes' own go.mod sets this; without it GODEBUG defaults differ from upstream builds.
    lines.push(`godebug default=go${goLanguageVersion.split('.').slice(0, 2).join('.')}`, '');
  }
  lines.push('require (');
  for (const mod of component.modules) lines.push(`\t${mod} ${component.version}`);
  lines.push(')', '');
  const raised = Object.entries(component.goRequires ?? {}).sort(([a], [b]) => a.localeCompare(b));
  if (raised.length > 0) {
    // Security floors (table.ts goRequires): MVS keeps these over upstream's lower ones.
    lines.push('require (');
    for (const [mod, version] of raised) lines.push(`\t${mod} ${version}`);
    lines.push(')', '');
  }
  const tools = recipes.filter((r) => r.kind === 'go-binary' && r.package !== '.' && r.testBinary !== true).map((r) => (r.kind === 'go-binary' ? r.package : ''));
  if (tools.length > 0) {
    lines.push('tool (');
    for (const t of [...new Set(tools)].sort()) lines.push(`\t${t}`);
    lines.push(')', '');
  }
  const replaces: string[] = [];
  if (input.stagingModules && input.stagingModules.length > 0) {
    const v = stagingVersion(component.version);
    for (const mod of input.stagingModules) replaces.push(`\t${mod} => ${mod} ${v}`);
  }
  // A local directory (./...) or `module version`: written as given.
  for (const [mod, target] of Object.entries(component.goReplaces ?? {}).sort(([a], [b]) => a.localeCompare(b))) {
    replaces.push(`\t${mod} => ${target}`);
  }
  if (replaces.length > 0) lines.push('replace (', ...replaces, ')', '');
  return lines.join('\n');
}

export interface GoModRequirement {
  readonly path: string;
  readonly version: string;
  readonly indirect: boolean;
}

export interface ParsedGoMod {
  readonly module: string;
  readonly go: string;
  readonly requires: readonly GoModRequirement[];
  readonly replaces: ReadonlyMap<string, { path: string; version: string }>;
  readonly tools: readonly string[];
}

/** A small go.mod reader: enough to check wrappers against the version table. */
export function parseGoMod(text: string): ParsedGoMod {
  let module = '';
  let go = '';
  const requires: GoModRequirement[] = [];
  const replaces = new Map<string, { path: string; version: string }>();
  const tools: string[] = [];
  let block: string | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\/\/(?! indirect).*$/, '').trim();
    const indirect = /\/\/ indirect/.test(raw);
    if (line === '') continue;
    if (line === ')') {
      block = undefined;
      continue;
    }
    const open = /^(require|replace|tool|exclude|retract|godebug)\s*\($/.exec(line);
    if (open) {
      block = open[1];
      continue;
    }
    let directive = block;
    let rest = line;
    if (!block) {
      const m = /^(\S+)\s*(.*)$/.exec(line);
      directive = m?.[1];
      rest = m?.[2] ?? '';
    }
    const parts = rest.replace('// indirect', '').trim().split(/\s+/);
    switch (directive) {
      case 'module':
        module = parts[0] ?? '';
        break;
      case 'go':
        go = parts[0] ?? '';
        break;
      case 'require':
        if (parts[0] && parts[1]) requires.push({ path: parts[0], version: parts[1], indirect });
        break;
      case 'replace': {
        const arrow = parts.indexOf('=>');
        const from = parts[0];
        const to = parts[arrow + 1];
        if (arrow > 0 && from && to) replaces.set(from, { path: to, version: parts[arrow + 2] ?? '' });
        break;
      }
      case 'tool':
        if (parts[0]) tools.push(parts[0]);
        break;
      default:
        break;
    }
  }
  return { module, go, requires, replaces, tools };
}

/** go.sum → "module@version" → h1 hash of the module zip (not the /go.mod line). */
export function parseGoSum(text: string): Map<string, string> {
  const sums = new Map<string, string>();
  for (const line of text.split('\n')) {
    const [path, version, hash] = line.trim().split(/\s+/);
    if (!path || !version || !hash || version.endsWith('/go.mod')) continue;
    sums.set(`${path}@${version}`, hash);
  }
  return sums;
}
