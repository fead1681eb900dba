// Pure: a chart as the .tgz `helm package` makes (every file under
// <name>/, Chart.yaml first), byte for byte the same on every build: fixed
// mtime and owner, sorted entries, gzip without a timestamp.

import { stringify } from 'yaml';
import { compressArchive } from '../util/tar-compression.ts';
import { writeTar } from '../util/tar-writer.ts';
import type { TarEntry } from '../util/tar-writer.ts';
import type { ChartSpec } from './chart-spec.ts';

export function renderChartYaml(chart: ChartSpec): string {
  return stringify({ apiVersion: 'v2', name: chart.name, description: chart.description, type: 'application', version: chart.version, appVersion: chart.appVersion });
}

export function packageChart(chart: ChartSpec): Buffer {
  const files = [...chart.files].sort((a, b) => a.path.localeCompare(b.path));
  const dirs = new Set<string>();
  for (const f of files) {
    const parts = f.path.split('/');
    for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join('/'));
  }
  const entries: TarEntry[] = [
    { type: 'dir', path: chart.name, mode: 0o755 },
    { type: 'file', path: `${chart.name}/Chart.yaml`, mode: 0o644, content: Buffer.from(renderChartYaml(chart)) },
    ...[...dirs].sort().map((d): TarEntry => ({ type: 'dir', path: `${chart.name}/${d}`, mode: 0o755 })),
    ...files.map((f): TarEntry => ({ type: 'file', path: `${chart.name}/${f.path}`, mode: 0o644, content: Buffer.from(f.content) })),
  ];
  return compressArchive(writeTar(entries), 'gzip');
}
