// Writes the runtime's packaged charts (charts/<name>.tgz) and their records.

import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { packageChart } from '../charts/package-chart.ts';
import type { PackagedChart } from '../charts/packaged-charts.ts';
import type { ChartSpec } from '../charts/chart-spec.ts';
import { sha256Hex } from '../util/canonical-json.ts';
import { readModuleYaml } from './module-files.ts';
import type { BuildPlan } from './plan-build.ts';
import type { ChartRecord } from './render-manifest.ts';

/** The chart's whole spec: a module chart gets its files from the pinned module now. */
async function completeSpec(chart: PackagedChart): Promise<{ spec: ChartSpec; source?: ChartRecord['source'] }> {
  const m = chart.fromModule;
  if (!m) return { spec: chart.spec };
  const files = await readModuleYaml(m);
  return { spec: m.complete(files), source: { type: 'go-module', module: m.module, version: m.version, sum: m.sum, files: files.map((f) => `${m.dir}/${f.name}`) } };
}

export async function writeRuntimeCharts(plan: BuildPlan, runtimeDir: string): Promise<ChartRecord[]> {
  if (plan.charts.length === 0) return [];
  await mkdir(join(runtimeDir, 'charts'), { recursive: true });
  const records: ChartRecord[] = [];
  for (const chart of plan.charts) {
    const { spec, source } = await completeSpec(chart);
    const tgz = packageChart(spec);
    const path = `charts/${spec.name}.tgz`;
    await writeFile(join(runtimeDir, path), tgz);
    records.push({
      kind: 'chart',
      name: spec.name,
      component: chart.component,
      version: spec.version,
      path,
      images: plan.images.filter((r) => [chart.component, ...(chart.alsoRuns ?? [])].includes(r.component)).map((r) => r.ref),
      ...(source ? { source } : {}),
      sha256: sha256Hex(tgz),
      size: tgz.length,
    });
  }
  return records;
}
