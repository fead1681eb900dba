// The conformance results a release publishes beside its artifacts:
// dist/<version>/conformance/<run>/ with e2e.log, junit_01.xml, PRODUCT.yaml
// and summary.json, a SHA256SUMS over them and a signature for each, so the
// seed's "e2e test results that can be traced" come with the release and are
// checked with the same key. The planner is pure; the adapter copies and signs.

import { copyFile, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sha256File } from '../util/sha256-file.ts';

export const conformanceFiles = ['e2e.log', 'junit_01.xml', 'PRODUCT.yaml', 'summary.json'] as const;

/** Runs worth publishing: the whole suite (either profile) and the CI subset. A focused run proves nothing about the release. */
const publishable = ['full', 'full-cis', 'subset-ci', 'subset-ci-cis'];

export interface FoundResults {
  /** Directory name under conformance/results/<version>/ (src/conformance/results-name.ts). */
  readonly name: string;
  /** summary.json's text, or undefined when it is missing. */
  readonly summaryText?: string;
  readonly files: readonly string[];
}

export interface ConformancePublishPlan {
  readonly publish: readonly { readonly name: string; readonly line: string }[];
  readonly skipped: readonly { readonly name: string; readonly reason: string }[];
  /** Said when no whole-suite run of this version is on record. */
  readonly warning?: string;
}

interface Summary {
  version?: unknown;
  passed?: unknown;
  failed?: unknown;
  ran?: unknown;
  durationSeconds?: unknown;
  profile?: unknown;
}

export function planConformancePublish(version: string, found: readonly FoundResults[]): ConformancePublishPlan {
  const publish: { name: string; line: string }[] = [];
  const skipped: { name: string; reason: string }[] = [];
  for (const f of [...found].sort((a, b) => a.name.localeCompare(b.name))) {
    if (!publishable.includes(f.name)) {
      skipped.push({ name: f.name, reason: `not a whole-suite or CI-subset run (published: ${publishable.join(', ')})` });
      continue;
    }
    const missing = conformanceFiles.filter((x) => !f.files.includes(x));
    if (missing.length > 0) {
      skipped.push({ name: f.name, reason: `incomplete: no ${missing.join(', ')}` });
      continue;
    }
    let s: Summary;
    try {
      s = JSON.parse(f.summaryText ?? '') as Summary;
    } catch {
      skipped.push({ name: f.name, reason: 'summary.json is not JSON' });
      continue;
    }
    if (s.version !== version) {
      skipped.push({ name: f.name, reason: `summary.json is of ${String(s.version)}, not ${version}` });
      continue;
    }
    if (typeof s.passed !== 'number' || typeof s.failed !== 'number' || typeof s.ran !== 'number') {
      skipped.push({ name: f.name, reason: 'summary.json has no passed/failed/ran counts' });
      continue;
    }
    const minutes = typeof s.durationSeconds === 'number' ? `, ${Math.round(s.durationSeconds / 60)} min` : '';
    publish.push({ name: f.name, line: `${f.name}: ${s.passed}/${s.ran} passed, ${s.failed} failed (${typeof s.profile === 'string' ? s.profile : 'default'} profile${minutes})` });
  }
  const warning = publish.some((p) => p.name.startsWith('full'))
    ? undefined
    : `no whole-suite conformance run of ${version} is on record: run \`npm run conformance\` (and \`-- --profile cis\`) before releasing`;
  return { publish, skipped, ...(warning ? { warning } : {}) };
}

/** What is under <resultsRoot>/<version>/: one entry per run directory. */
export async function findConformanceResults(resultsRoot: string, version: string): Promise<FoundResults[]> {
  const dir = join(resultsRoot, version);
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const out: FoundResults[] = [];
  for (const e of entries) {
    if (!e.isDirectory() || e.name.startsWith('.')) continue;
    const files = await readdir(join(dir, e.name));
    const summaryText = await readFile(join(dir, e.name, 'summary.json'), 'utf8').catch(() => undefined);
    out.push({ name: e.name, files, ...(summaryText !== undefined ? { summaryText } : {}) });
  }
  return out;
}

/** Copies the planned runs into <versionDir>/conformance/<run>/ with SHA256SUMS, and signs every file. Replaces what an earlier release wrote there. */
export async function publishConformanceResults(o: { resultsRoot: string; version: string; versionDir: string; plan: ConformancePublishPlan; sign: (path: string) => Promise<void> }): Promise<void> {
  const out = join(o.versionDir, 'conformance');
  await rm(out, { recursive: true, force: true });
  for (const run of o.plan.publish) {
    const from = join(o.resultsRoot, o.version, run.name);
    const to = join(out, run.name);
    await mkdir(to, { recursive: true });
    const lines: string[] = [];
    for (const f of conformanceFiles) {
      await copyFile(join(from, f), join(to, f));
      lines.push(`${await sha256File(join(to, f))}  ${f}`);
    }
    await writeFile(join(to, 'SHA256SUMS'), `${lines.join('\n')}\n`);
    for (const f of [...conformanceFiles, 'SHA256SUMS']) await o.sign(join(to, f));
  }
}
