import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { metricsServerChart } from './metrics-server-chart.ts';

const chart = metricsServerChart({ image: 'registry.k8s.io/metrics-server/metrics-server:v0.8.1', version: 'v0.8.1' });
const file = (path: string) => chart.files.find((f) => f.path === path)?.content ?? assert.fail(`no ${path}`);

test('rfo-metrics-server: named and versioned after the pinned metrics-server, with the runtime image as values', () => {
  assert.equal(chart.name, 'rfo-metrics-server');
  assert.equal(chart.version, '0.8.1');
  const values = parse(file('values.yaml')) as Record<string, unknown>;
  assert.deepEqual(values.image, { repository: 'registry.k8s.io/metrics-server/metrics-server', tag: 'v0.8.1', pullPolicy: 'IfNotPresent' });
  // kubelets are verified unless a user turns it off: no CA until rfo sets it
  assert.equal(values.kubeletCA, '');
  assert.equal(values.kubeletInsecureTLS, false);
});

test('rfo-metrics-server: kubelets verified with the kubelet CA from a ConfigMap; the chart refuses to render without one', () => {
  const deployment = file('templates/deployment.yaml');
  assert.match(deployment, /--kubelet-certificate-authority=\{\{ include "rfo-metrics-server.kubeletCAPath" \. \}\}/);
  assert.match(deployment, /\{\{- if \.Values\.kubeletInsecureTLS \}\}\n\s+- --kubelet-insecure-tls/);
  assert.match(deployment, /configMap:\n\s+name: metrics-server-kubelet-ca/);
  assert.match(deployment, /checksum\/kubelet-ca: \{\{ \.Values\.kubeletCA \| sha256sum \}\}/, 'a new CA rolls the pod');
  const ca = file('templates/kubelet-ca.yaml');
  assert.match(ca, /fail "kubeletCA:/);
  assert.match(file('templates/_helpers.tpl'), /\/etc\/rfo-kubelet-ca\/ca\.crt/);
});

test('rfo-metrics-server: upstream RBAC and the v1beta1.metrics.k8s.io APIService', () => {
  const rbac = file('templates/rbac.yaml');
  for (const name of ['system:aggregated-metrics-reader', 'system:metrics-server', 'metrics-server:system:auth-delegator', 'metrics-server-auth-reader', 'extension-apiserver-authentication-reader']) {
    assert.ok(rbac.includes(`name: ${name}`), name);
  }
  assert.match(rbac, /aggregate-to-view: "true"/);
  const api = file('templates/apiservice.yaml');
  assert.match(api, /name: v1beta1\.metrics\.k8s\.io/);
  assert.match(api, /group: metrics\.k8s\.io/);
  assert.match(file('templates/service.yaml'), /port: 443, protocol: TCP, targetPort: https/);
});
