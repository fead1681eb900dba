import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { networkPolicyChart } from './network-policy-chart.ts';
import { packagedCharts } from './packaged-charts.ts';

const chart = networkPolicyChart({ image: 'docker.io/rfo/kube-router:v2.1.0', version: 'v2.1.0' });
const file = (path: string) => chart.files.find((f) => f.path === path)?.content ?? '';

test('the chart runs the image the runtime ships, with values users change through a HelmChartConfig', () => {
  assert.equal(chart.name, 'rfo-network-policy');
  assert.equal(chart.version, '2.1.0');
  const values = parse(file('values.yaml')) as Record<string, unknown>;
  assert.deepEqual(values.image, { repository: 'docker.io/rfo/kube-router', tag: 'v2.1.0', pullPolicy: 'IfNotPresent' });
  assert.equal(values.iptablesMode, 'auto');
  assert.deepEqual(values.tolerations, [{ operator: 'Exists' }], 'every node, servers included');
  assert.deepEqual(values.extraArgs, []);
  assert.equal(values.serviceClusterIPRange, '', 'rfo sets it; the template requires it');
});

test('a privileged hostNetwork DaemonSet running only the firewall, told how to recognise its own removal', () => {
  const ds = file('templates/daemonset.yaml');
  assert.match(ds, /kind: DaemonSet/);
  assert.match(ds, /hostNetwork: true/);
  assert.match(ds, /privileged: true/);
  for (const arg of ['--run-firewall=true', '--run-router=false', '--run-service-proxy=false', '--enable-cni=false', '--hostname-override=$(NODE_NAME)']) assert.ok(ds.includes(`- ${arg}`), arg);
  assert.match(ds, /required "serviceClusterIPRange/);
  assert.match(ds, /name: RFO_DAEMONSET\n\s+value: rfo-network-policy/);
  assert.match(ds, /path: \/run\/xtables.lock, type: FileOrCreate/);
  const rbac = file('templates/rbac.yaml');
  assert.match(rbac, /resources: \[networkpolicies\]/);
  assert.match(rbac, /resourceNames: \[rfo-network-policy\]\n\s+verbs: \[get\]/, 'the DaemonSet read is limited to its own');
});

test('the runtime carries the chart beside rfo-coredns, naming the kube-router image of the same runtime', () => {
  const np = packagedCharts().find((c) => c.spec.name === 'rfo-network-policy');
  assert.equal(np?.component, 'kube-router');
  assert.match(np?.spec.files.find((f) => f.path === 'values.yaml')?.content ?? '', /repository: docker.io\/rfo\/kube-router/);
});
