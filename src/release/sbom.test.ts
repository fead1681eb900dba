import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chartComponent } from './sbom.ts';

test('a chart made from a data module nests that module with its go.sum hash and the files taken', () => {
  const c = chartComponent({
    name: 'rfo-gateway-api-crds',
    version: '1.6.3',
    path: 'charts/rfo-gateway-api-crds.tgz',
    sha256: 'ab'.repeat(32),
    source: { module: 'sigs.k8s.io/gateway-api', version: 'v1.6.3', sum: 'h1:x=', files: ['config/crd/standard/a.yaml'] },
  });
  assert.equal(c.type, 'file');
  assert.deepEqual(c.hashes, [{ alg: 'SHA-256', content: 'ab'.repeat(32) }]);
  const mod = c.components?.[0];
  assert.equal(mod?.purl, 'pkg:golang/sigs.k8s.io/gateway-api@v1.6.3');
  assert.deepEqual(mod?.properties, [
    { name: 'rfo:go.sum', value: 'h1:x=' },
    { name: 'rfo:file', value: 'config/crd/standard/a.yaml' },
  ]);
  assert.equal(chartComponent({ name: 'rfo-traefik', version: '3.7.13', path: 'charts/rfo-traefik.tgz', sha256: 'cd'.repeat(32) }).components, undefined);
});
