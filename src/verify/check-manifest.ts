// Pure: compares what is on disk with the runtime manifest. Every file the
// manifest names must be present with its sha256; a file in bin/ that the
// manifest does not name is reported too (something was added).

import type { RuntimeManifest } from '../build/render-manifest.ts';

export interface FileFacts {
  /** path (relative to the runtime) → sha256, or 'missing' */
  readonly hashes: ReadonlyMap<string, string>;
  /** every regular file and symlink name in bin/ */
  readonly binEntries: readonly string[];
  /** alias symlink name → its target */
  readonly links: ReadonlyMap<string, string>;
}

export interface Finding {
  readonly path: string;
  readonly problem: 'modified' | 'missing' | 'unexpected' | 'bad-link';
  readonly detail: string;
}

export function checkManifest(manifest: RuntimeManifest, facts: FileFacts): Finding[] {
  const findings: Finding[] = [];
  const expected = new Set<string>();
  const checkHash = (a: { readonly path: string; readonly sha256: string }) => {
    const got = facts.hashes.get(a.path);
    if (got === undefined || got === 'missing') findings.push({ path: a.path, problem: 'missing', detail: 'named in the manifest but not on disk' });
    else if (got !== a.sha256) findings.push({ path: a.path, problem: 'modified', detail: `sha256 ${got}, the signed manifest says ${a.sha256}` });
  };
  for (const a of manifest.artifacts) {
    if (a.kind === 'chart') checkHash(a);
    if (a.kind !== 'binary') continue;
    expected.add(a.path.replace(/^bin\//, ''));
    checkHash(a);
    for (const alias of a.aliases) {
      expected.add(alias);
      const target = facts.links.get(alias);
      if (target !== a.name) findings.push({ path: `bin/${alias}`, problem: 'bad-link', detail: target === undefined ? `missing (should link to ${a.name})` : `links to ${target}, not ${a.name}` });
    }
  }
  for (const name of facts.binEntries) {
    if (!expected.has(name)) findings.push({ path: `bin/${name}`, problem: 'unexpected', detail: 'not in the manifest' });
  }
  return findings;
}
