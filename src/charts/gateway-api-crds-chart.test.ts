import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gunzipSync } from 'node:zlib';
import { parseAllDocuments } from 'yaml';
import { readTar } from '../util/tar-reader.ts';
import { packageChart } from './package-chart.ts';
import { chartCopyOf, gatewayApiCrdsChart, keepAnnotation } from './gateway-api-crds-chart.ts';

const crd = (plural: string) => `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  annotations:
    gateway.networking.k8s.io/bundle-version: v1.6.3
  name: ${plural}.gateway.networking.k8s.io
spec:
  group: gateway.networking.k8s.io
  versions:
  - name: v1
    schema:
      openAPIV3Schema:
        description: "a {{ template }}-looking string stays text"
`;
const vap = `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata:
  name: safe-upgrades.gateway.networking.k8s.io
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata:
  name: safe-upgrades.gateway.networking.k8s.io
`;

test('each CRD is kept on uninstall; other documents are copied unchanged', () => {
  const copy = chartCopyOf({ name: 'gateway.networking.k8s.io_gateways.yaml', text: crd('gateways') });
  assert.equal(copy.path, 'files/gateway.networking.k8s.io_gateways.yaml');
  const [doc] = parseAllDocuments(copy.content).map((d) => d.toJS() as { metadata: { annotations: Record<string, string> }; spec: unknown });
  assert.equal(doc?.metadata.annotations[keepAnnotation], 'keep');
  assert.equal(doc?.metadata.annotations['gateway.networking.k8s.io/bundle-version'], 'v1.6.3');
  const policies = parseAllDocuments(chartCopyOf({ name: 'vap.yaml', text: vap }).content).map((d) => d.toJS() as { kind: string; metadata: { annotations?: unknown } });
  assert.deepEqual(policies.map((p) => p.kind), ['ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding']);
  assert.ok(policies.every((p) => p.metadata.annotations === undefined));
  assert.throws(() => chartCopyOf({ name: 'bad.yaml', text: 'a: [' }), /bad\.yaml: not valid YAML/);
});

test('the chart pastes its files verbatim (no templating of CRD text) and packs the same bytes every time', () => {
  const files = [
    { name: 'gateway.networking.k8s.io_httproutes.yaml', text: crd('httproutes') },
    { name: 'gateway.networking.k8s.io_gateways.yaml', text: crd('gateways') },
  ];
  const chart = gatewayApiCrdsChart({ version: 'v1.6.3', files });
  assert.equal(chart.name, 'rfo-gateway-api-crds');
  assert.equal(chart.version, '1.6.3');
  const tpl = chart.files.find((f) => f.path === 'templates/crds.yaml')?.content ?? '';
  assert.match(tpl, /\.Files\.Glob "files\/\*\.yaml"/);
  assert.match(tpl, /\$\.Files\.Get \$path/);
  assert.deepEqual(chart.files.filter((f) => f.path.startsWith('files/')).map((f) => f.path), ['files/gateway.networking.k8s.io_gateways.yaml', 'files/gateway.networking.k8s.io_httproutes.yaml']);
  const tgz = packageChart(chart);
  assert.deepEqual(packageChart(gatewayApiCrdsChart({ version: 'v1.6.3', files: [...files].reverse() })), tgz, 'file order does not matter');
  const names = readTar(gunzipSync(tgz), 'chart').map((e) => e.name);
  assert.ok(names.includes('rfo-gateway-api-crds/files/gateway.networking.k8s.io_gateways.yaml'));
  // Without files it still describes the chart (the build key of a runtime before the download).
  assert.equal(gatewayApiCrdsChart({ version: 'v1.6.3', files: [] }).files.length, 2);
});
