import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RuntimeManifest } from '../build/render-manifest.ts';
import { addonChartValues, planAddonCharts } from './plan-addon-charts.ts';

const manifest = {
  key: 'k1',
  artifacts: [
    { kind: 'image', name: 'example.org/metrics-server:v1', component: 'metrics-server' },
    { kind: 'image', name: 'example.org/local-path-provisioner:v2', component: 'local-path-provisioner' },
    { kind: 'image', name: 'example.org/busybox:3', component: 'busybox' },
    { kind: 'chart', name: 'rfo-metrics-server', component: 'metrics-server', path: 'charts/rfo-metrics-server.tgz' },
    { kind: 'chart', name: 'rfo-local-path', component: 'local-path-provisioner', path: 'charts/rfo-local-path.tgz' },
  ],
} as unknown as RuntimeManifest;

test('each wanted chart with the runtime\'s chart file and images; names that are not add-on charts are ignored', () => {
  const { charts, warnings } = planAddonCharts(manifest, '/d/data/k1', ['rfo-coredns', 'rfo-metrics-server', 'rfo-local-path']);
  assert.deepEqual(warnings, []);
  assert.deepEqual(charts, [
    { name: 'rfo-metrics-server', phase: 'after-dns', chart: '/d/data/k1/charts/rfo-metrics-server.tgz', images: { image: 'example.org/metrics-server:v1' } },
    { name: 'rfo-local-path', phase: 'after-dns', chart: '/d/data/k1/charts/rfo-local-path.tgz', images: { image: 'example.org/local-path-provisioner:v2', helperImage: 'example.org/busybox:3' } },
  ]);
});

test('a runtime without the chart (built with --only, or for an arch without busybox) leaves it out with a warning', () => {
  const partial = { ...manifest, artifacts: manifest.artifacts.filter((a) => a.name !== 'rfo-local-path') } as RuntimeManifest;
  const { charts, warnings } = planAddonCharts(partial, '/d/data/k1', ['rfo-metrics-server', 'rfo-local-path']);
  assert.deepEqual(charts.map((c) => c.name), ['rfo-metrics-server']);
  assert.match(warnings.join('\n'), /has no rfo-local-path chart: rfo-local-path is not deployed/);
});

test('values: the kubelet CA for metrics-server, the storage path for local-path, images as repository and tag', () => {
  const { charts } = planAddonCharts(manifest, '/d/data/k1', ['rfo-metrics-server', 'rfo-local-path']);
  const facts = { kubeletCaPem: '-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----\n', storagePath: '/d/storage', serviceCidr: '10.43.0.0/16', serviceNodePortRange: '30000-32767' };
  const [ms, lp] = charts;
  assert.ok(ms && lp);
  assert.deepEqual(addonChartValues(ms, facts), { image: { repository: 'example.org/metrics-server', tag: 'v1' }, kubeletCA: facts.kubeletCaPem });
  assert.deepEqual(addonChartValues(lp, facts), {
    image: { repository: 'example.org/local-path-provisioner', tag: 'v2' },
    helperImage: { repository: 'example.org/busybox', tag: '3' },
    storagePath: '/d/storage',
  });
});

test('rfo-network-policy: the kube-router image, and the service CIDR and node port range kube-router lets pods reach', () => {
  const withPolicy = {
    ...manifest,
    artifacts: [
      ...manifest.artifacts,
      { kind: 'image', name: 'example.org/rfo/kube-router:v9', component: 'kube-router' },
      { kind: 'chart', name: 'rfo-network-policy', component: 'kube-router', path: 'charts/rfo-network-policy.tgz' },
    ],
  } as unknown as RuntimeManifest;
  const { charts } = planAddonCharts(withPolicy, '/d/data/k1', ['rfo-network-policy']);
  const [np] = charts;
  assert.ok(np);
  assert.equal(np.chart, '/d/data/k1/charts/rfo-network-policy.tgz');
  const facts = { kubeletCaPem: '', storagePath: '/d/storage', serviceCidr: '10.96.0.0/12', serviceNodePortRange: '30000-32000' };
  assert.deepEqual(addonChartValues(np, facts), {
    image: { repository: 'example.org/rfo/kube-router', tag: 'v9' },
    serviceClusterIPRange: '10.96.0.0/12',
    serviceNodePortRange: '30000-32000',
  });
});
