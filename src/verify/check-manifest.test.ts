import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RuntimeManifest } from '../build/render-manifest.ts';
import { checkManifest } from './check-manifest.ts';

const bin = (name: string, sha256: string, aliases: string[] = []) => ({
  kind: 'binary' as const,
  name,
  component: name,
  version: 'v1',
  path: `bin/${name}`,
  aliases,
  source: { type: 'go-module' as const, module: `example.com/${name}`, version: 'v1', sum: 'h1:x', package: '.' },
  buildFlags: {},
  sha256,
  size: 1,
  buildSeconds: 0,
});
const manifest = {
  schemaVersion: 1,
  rfoVersion: 'v1.36.3+rfor1',
  kubernetesVersion: 'v1.36.3',
  arch: 'amd64',
  key: 'k',
  toolchain: { go: 'go1.26.8', cc: 'gcc' },
  artifacts: [bin('etcd', 'a'.repeat(64)), bin('kubernetes', 'b'.repeat(64), ['kubelet'])],
  skipped: [],
} as unknown as RuntimeManifest;

test('verify: an intact runtime has no findings', () => {
  const findings = checkManifest(manifest, {
    hashes: new Map([['bin/etcd', 'a'.repeat(64)], ['bin/kubernetes', 'b'.repeat(64)]]),
    binEntries: ['etcd', 'kubernetes', 'kubelet'],
    links: new Map([['kubelet', 'kubernetes']]),
  });
  assert.deepEqual(findings, []);
});

test('verify: a modified, a missing, an added file and a redirected alias are each named', () => {
  const findings = checkManifest(manifest, {
    hashes: new Map([['bin/etcd', 'c'.repeat(64)], ['bin/kubernetes', 'missing']]),
    binEntries: ['etcd', 'kubelet', 'evil'],
    links: new Map([['kubelet', 'evil']]),
  });
  assert.deepEqual(
    findings.map((f) => `${f.problem} ${f.path}`),
    ['modified bin/etcd', 'missing bin/kubernetes', 'bad-link bin/kubelet', 'unexpected bin/evil'],
  );
  assert.match(findings[0]?.detail ?? '', /sha256 c+, the signed manifest says a+/);
});

test('verify: a packaged chart is checked by its sha256 too', () => {
  const chart = { kind: 'chart' as const, name: 'rfo-coredns', component: 'coredns', version: '1.14.7', path: 'charts/rfo-coredns.tgz', images: [], sha256: 'd'.repeat(64), size: 1 };
  const withChart = { ...manifest, artifacts: [...manifest.artifacts, chart] } as RuntimeManifest;
  const facts = (chartHash: string) => ({
    hashes: new Map([['bin/etcd', 'a'.repeat(64)], ['bin/kubernetes', 'b'.repeat(64)], ['charts/rfo-coredns.tgz', chartHash]]),
    binEntries: ['etcd', 'kubernetes', 'kubelet'],
    links: new Map([['kubelet', 'kubernetes']]),
  });
  assert.deepEqual(checkManifest(withChart, facts('d'.repeat(64))), []);
  assert.deepEqual(checkManifest(withChart, facts('e'.repeat(64))).map((f) => `${f.problem} ${f.path}`), ['modified charts/rfo-coredns.tgz']);
  assert.deepEqual(checkManifest(withChart, facts('missing')).map((f) => `${f.problem} ${f.path}`), ['missing charts/rfo-coredns.tgz']);
});
