// Writes the runtime's packaged charts (charts/<name>.tgz) and their records.

import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { packageChart } from '../charts/package-chart.ts';
import { sha256Hex } from '../util/canonical-json.ts';
import type { BuildPlan } from './plan-build.ts';
import type { ChartRecord } from './render-manifest.ts';

export async function writeRuntimeCharts(plan: BuildPlan, runtimeDir: string): Promise<ChartRecord[]> {
  if (plan.charts.length === 0) return [];
  await mkdir(join(runtimeDir, 'charts'), { recursive: true });
  const records: ChartRecord[] = [];
  for (const chart of plan.charts) {
    const tgz = packageChart(chart.spec);
    const path = `charts/${chart.spec.name}.tgz`;
    await writeFile(join(runtimeDir, path), tgz);
    records.push({
      kind: 'chart',
      name: chart.spec.name,
      component: chart.component,
      version: chart.spec.version,
      path,
      images: plan.images.filter((r) => [chart.component, ...(chart.alsoRuns ?? [])].includes(r.component)).map((r) => r.ref),
      sha256: sha256Hex(tgz),
      size: tgz.length,
    });
  }
  return records;
}
