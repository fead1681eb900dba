// Pure: the Go vulnerability database's standard v1 layout, made from the OSV
// files of a golang.org/x/vulndb module snapshot (data/osv/<ID>.json). This
// is the layout govulncheck reads from a file:// URL:
//   index/db.json       {"modified": <newest entry>}
//   index/modules.json  [{path, vulns: [{id, modified, fixed}]}], by path, vulns by id
//   ID/<ID>.json        each OSV entry, byte for byte as the module has it
// The module's OSV files carry zero "modified" times (vulndb's own database
// build takes them from git history), so the snapshot's commit time, read
// from its pseudo-version, stands in for them.

import { semverLess } from './parse-semver.ts';

export interface OsvEvent {
  readonly introduced?: string;
  readonly fixed?: string;
}

export interface OsvEntry {
  readonly id: string;
  readonly modified: string;
  readonly published?: string;
  readonly withdrawn?: string;
  readonly aliases?: readonly string[];
  readonly summary?: string;
  readonly details?: string;
  readonly affected?: readonly {
    readonly package: { readonly name: string; readonly ecosystem?: string };
    readonly ranges?: readonly { readonly type: string; readonly events: readonly OsvEvent[] }[];
  }[];
}

const zeroTime = '0001-01-01T00:00:00Z';

/** v0.0.0-20261105234957-e22db6528018 → 2026-11-05T23:49:57Z. */
export function pseudoVersionTime(version: string): string {
  const m = /-(?:0\.)?(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})-[0-9a-f]{12}$/.exec(version);
  if (!m) throw new Error(`${version} is not a Go pseudo-version`);
  return `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z`;
}

/**
 * The fix that is not superseded by a later fix or re-introduction, as
 * govulncheck's own index computes it (x/vuln internal/semver.NonSupersededFix).
 */
export function nonSupersededFix(ranges: NonNullable<OsvEntry['affected']>[number]['ranges']): string {
  let latest = '';
  for (const r of ranges ?? []) {
    if (r.type !== 'SEMVER') continue;
    for (const e of r.events) if (e.fixed && semverLess(latest, e.fixed)) latest = e.fixed;
    for (const e of r.events) {
      if (e.introduced && e.introduced !== '0' && semverLess(latest, e.introduced)) {
        latest = '';
        break;
      }
    }
  }
  return latest;
}

export interface VulnDbFile {
  /** Relative path inside the database directory. */
  readonly path: string;
  readonly content: string;
}

export interface RawOsvFile {
  readonly name: string;
  readonly text: string;
}

/** Parses and checks one OSV file: its name must be <ID>.json (govulncheck requires it). */
export function parseOsvFile(file: RawOsvFile): OsvEntry {
  const entry = JSON.parse(file.text) as OsvEntry;
  if (typeof entry.id !== 'string' || `${entry.id}.json` !== file.name) throw new Error(`${file.name}: OSV entry id ${String(entry.id)} does not match its file name`);
  return entry;
}

export function renderVulnDb(files: readonly RawOsvFile[], snapshotTime: string): VulnDbFile[] {
  const modules = new Map<string, { id: string; modified: string; fixed?: string }[]>();
  let newest = snapshotTime;
  const out: VulnDbFile[] = [];
  for (const file of [...files].sort((a, b) => a.name.localeCompare(b.name))) {
    const entry = parseOsvFile(file);
    const modified = entry.modified && entry.modified !== zeroTime ? entry.modified : snapshotTime;
    if (modified > newest) newest = modified;
    for (const a of entry.affected ?? []) {
      const list = modules.get(a.package.name) ?? [];
      const fixed = nonSupersededFix(a.ranges);
      list.push({ id: entry.id, modified, ...(fixed ? { fixed } : {}) });
      modules.set(a.package.name, list);
    }
    out.push({ path: `ID/${file.name}`, content: file.text });
  }
  const index = [...modules.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([path, vulns]) => ({ path, vulns: [...vulns].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)) }));
  out.push({ path: 'index/db.json', content: JSON.stringify({ modified: newest }) });
  out.push({ path: 'index/modules.json', content: JSON.stringify(index) });
  return out;
}
