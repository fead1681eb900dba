import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePolicy } from './parse-vex-policy.ts';
import { renderArtifactTable, renderOpenVex, renderReport, renderTable } from './render-vuln-report.ts';
import type { ReportInput } from './render-vuln-report.ts';
import { resolvePolicy } from './resolve-policy.ts';
import type { ScannedArtifact } from './resolve-policy.ts';

const art: ScannedArtifact = {
  name: 'etcd',
  kind: 'runtime-binary',
  component: 'etcd',
  mainModules: ['go.etcd.io/etcd/server/v3'],
  version: 'v3.6.16',
  sha256: 'b'.repeat(64),
  goVersion: 'go1.26.11',
  precision: 'symbol',
  findings: [
    { id: 'GO-2026-0001', aliases: ['CVE-2026-9'], summary: 'linked only', module: 'golang.org/x/net', foundVersion: 'v0.62.0', fixedVersion: 'v0.63.0', modules: [{ path: 'golang.org/x/net', foundVersion: 'v0.62.0', fixedVersion: 'v0.63.0' }], reachable: false, symbols: [], packages: ['golang.org/x/net/idna'] },
    { id: 'GO-2026-0002', aliases: [], summary: 'justified', module: 'go.etcd.io/bbolt', foundVersion: 'v1.4.3', fixedVersion: '', modules: [{ path: 'go.etcd.io/bbolt', foundVersion: 'v1.4.3', fixedVersion: '' }], reachable: true, symbols: ['go.etcd.io/bbolt.Open'], packages: [] },
  ],
};

function input(): ReportInput {
  const policy = parsePolicy(`vulnerabilities:
  - id: GO-2026-0002
    status: not_affected
    justification: vulnerable_code_cannot_be_controlled_by_adversary
    impact: etcd opens only its own data file, which only root can write.
    expires: 2027-06-30
`);
  return {
    rfoVersion: 'v1.36.3+rfor1',
    arch: 'amd64',
    runtimeKey: 'k',
    scanner: { name: 'govulncheck', version: 'v1.9.0' },
    database: { module: 'golang.org/x/vulndb', version: 'v0.0.0-20261105234957-e22db6528018', sum: 'h1:x', layoutSha256: 'c'.repeat(64), modified: '2026-11-05T23:49:57Z', entries: 2, bytes: 10, zipBytes: 20 },
    policy: { path: 'security/vex.yaml', sha256: 'd'.repeat(64) },
    timestamp: '2026-12-03T00:00:00Z',
    result: resolvePolicy([art], policy, '2026-12-03'),
    images: [{ ref: 'registry.k8s.io/coredns/coredns:v1.14.7', path: 'images/coredns.tar', base: 'rootfs.tar@sha256:e', binaries: [{ path: '/coredns', artifact: 'coredns', sha256: 'f' }], otherExecutables: [], osPackages: { covered: false, source: '/var/lib/rpm/ (RPM database)', packages: ['bash-5.2.15-1.oe2403.x86_64'] } }],
    notScanned: [{ name: 'pause', reason: 'C program' }],
  };
}

test('OpenVEX: one statement per finding, justification or action, product by hash', () => {
  const i = input();
  const doc = renderOpenVex(i, i.result.artifacts, 'https://rfo.dev/vex/x') as { '@context': string; statements: Record<string, unknown>[] };
  assert.equal(doc['@context'], 'https://openvex.dev/ns/v0.2.0');
  assert.equal(doc.statements.length, 2);
  const [linked, justified] = doc.statements;
  assert.deepEqual([linked?.status, linked?.justification], ['not_affected', 'vulnerable_code_not_present']);
  assert.deepEqual([justified?.status, justified?.justification], ['not_affected', 'vulnerable_code_cannot_be_controlled_by_adversary']);
  assert.match(String(justified?.impact_statement), /only root can write/);
  const product = (linked?.products as { hashes: Record<string, string>; subcomponents: { '@id': string }[] }[])[0];
  assert.equal(product?.hashes['sha-256'], 'b'.repeat(64));
  assert.deepEqual(product?.subcomponents, [{ '@id': 'pkg:golang/golang.org/x/net@v0.62.0' }]);
});

test('the table has one row per finding; OS packages of a base image are named as not covered', () => {
  const i = input();
  const t = renderArtifactTable(i.result.artifacts[0] ?? { artifact: art, verdicts: [] });
  assert.match(t, /ID +MODULE +FOUND +FIXED +REACHABLE +STATUS +ALIASES/);
  assert.match(t, /GO-2026-0001 +golang\.org\/x\/net +v0\.62\.0 +v0\.63\.0 +no +not_affected +CVE-2026-9/);
  assert.match(t, /GO-2026-0002 +go\.etcd\.io\/bbolt +v1\.4\.3 +- +yes: go\.etcd\.io\/bbolt\.Open +not_affected \(vex\.yaml/);
  const all = renderTable(i);
  assert.match(all, /OS packages are NOT covered by this scan .* 1 packages from \/var\/lib\/rpm\/ \(RPM database\):\n +bash-5\.2\.15-1\.oe2403\.x86_64/);
  assert.match(all, /not scanned: pause: C program/);
  assert.match(all, /no reachable vulnerability with a fix is left unjustified/);
  const report = renderReport(i) as { database: { version: string }; violations: string[] };
  assert.equal(report.database.version, 'v0.0.0-20261105234957-e22db6528018');
  assert.deepEqual(report.violations, []);
});
