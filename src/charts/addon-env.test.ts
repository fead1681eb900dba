import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'yaml';
import { packagedCharts } from './packaged-charts.ts';

test('every packaged chart that runs a Go container starts it with GOGC=50 from values.env, which a HelmChartConfig can replace', () => {
  const withImages = packagedCharts().filter((c) => !c.fromModule);
  assert.ok(withImages.length >= 5);
  for (const { spec } of withImages) {
    const values = parse(spec.files.find((f) => f.path === 'values.yaml')?.content ?? '') as { env?: unknown };
    assert.deepEqual(values.env, [{ name: 'GOGC', value: '50' }], spec.name);
    assert.ok(spec.files.some((f) => f.path.startsWith('templates/') && f.content.includes('{{- with .Values.env }}')), `${spec.name}: no template reads .Values.env`);
  }
});
