import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gunzipSync } from 'node:zlib';
import { readTar } from '../util/tar-reader.ts';
import { corednsChart } from './coredns-chart.ts';
import { packageChart } from './package-chart.ts';

test('a packaged chart is byte for byte the same on every build, laid out as helm package does', () => {
  const chart = corednsChart({ image: 'registry.k8s.io/coredns/coredns:v1.14.7', version: 'v1.14.7' });
  const a = packageChart(chart);
  const b = packageChart(corednsChart({ image: 'registry.k8s.io/coredns/coredns:v1.14.7', version: 'v1.14.7' }));
  assert.deepEqual(a, b);
  const names = readTar(gunzipSync(a), 'chart').map((e) => e.name);
  assert.equal(names[0]?.replace(/\/$/, ''), 'rfo-coredns');
  assert.equal(names[1], 'rfo-coredns/Chart.yaml', 'Chart.yaml first');
  assert.ok(names.includes('rfo-coredns/values.yaml') && names.includes('rfo-coredns/templates/deployment.yaml'));
  assert.notDeepEqual(packageChart({ ...chart, version: '9.9.9' }), a, 'the version is in the archive');
});
