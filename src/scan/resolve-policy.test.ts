// The CI gate on a crafted scan: a reachable, fixable, unjustified finding
// fails it with the module, the fixed version and the bump named.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { VulnFinding } from './parse-govulncheck.ts';
import { parsePolicy } from './parse-vex-policy.ts';
import { bumpHint, resolvePolicy } from './resolve-policy.ts';
import type { ScannedArtifact } from './resolve-policy.ts';

function finding(over: Partial<VulnFinding>): VulnFinding {
  const module = over.module ?? 'golang.org/x/net';
  const foundVersion = over.foundVersion ?? 'v0.49.0';
  const fixedVersion = over.fixedVersion ?? 'v0.62.0';
  return { id: 'GO-2026-6866', aliases: ['CVE-2026-1'], summary: 's', module, foundVersion, fixedVersion, modules: [{ path: module, foundVersion, fixedVersion }], reachable: true, symbols: ['golang.org/x/net/html.Render'], packages: [], ...over };
}

function artifact(findings: VulnFinding[], over: Partial<ScannedArtifact> = {}): ScannedArtifact {
  return { name: 'kubernetes', kind: 'runtime-binary', component: 'kubernetes', mainModules: ['k8s.io/kubernetes'], version: 'v1.36.3', sha256: 'a'.repeat(64), goVersion: 'go1.26.11', precision: 'symbol', findings, ...over };
}

const none = parsePolicy('vulnerabilities: []');

test('the gate fails on a reachable vulnerability with a fix, naming module, fixed version and the bump', () => {
  const r = resolvePolicy([artifact([finding({})])], none, '2026-12-03');
  assert.equal(r.violations.length, 1);
  const v = r.violations[0] ?? '';
  assert.match(v, /^kubernetes: GO-2026-6866 \(CVE-2026-1\) in golang\.org\/x\/net v0\.49\.0 is reachable \(golang\.org\/x\/net\/html\.Render\) and fixed in v0\.62\.0/);
  assert.match(v, /add 'golang\.org\/x\/net': 'v0\.62\.0' to components\['kubernetes'\]\.goRequires in src\/versions\/table\.ts, then npm run gen:gomod -- kubernetes/);
  assert.equal(r.artifacts[0]?.verdicts[0]?.status, 'affected');
});

test('not reachable, or reachable without any fix: reported, not gated', () => {
  const r = resolvePolicy([artifact([finding({ reachable: false, symbols: [] }), finding({ id: 'GO-2026-0002', fixedVersion: '', modules: [] })])], none, '2026-12-03');
  assert.deepEqual(r.violations, []);
  assert.deepEqual(r.artifacts[0]?.verdicts.map((v) => [v.status, v.justification]), [['not_affected', 'vulnerable_code_not_present'], ['affected', undefined]]);
});

test('an unexpired policy entry justifies it; an expired one does not, and says so', () => {
  const policy = parsePolicy(`vulnerabilities:
  - id: GO-2026-6866
    artifacts: [kubernetes]
    status: not_affected
    justification: vulnerable_code_not_in_execute_path
    impact: html.Render is only reached for kubectl's own help output, never for input.
    expires: 2027-01-01
`);
  const ok = resolvePolicy([artifact([finding({})])], policy, '2026-12-03');
  assert.deepEqual(ok.violations, []);
  assert.deepEqual([ok.artifacts[0]?.verdicts[0]?.status, ok.artifacts[0]?.verdicts[0]?.source], ['not_affected', 'policy']);
  const late = resolvePolicy([artifact([finding({})])], policy, '2027-01-01');
  assert.equal(late.violations.length, 1);
  assert.match(late.violations[0] ?? '', /entry expired on 2027-01-01/);
  assert.deepEqual(late.expired.map((e) => e.id), ['GO-2026-6866']);
});

test('a policy entry for another artifact does not apply; unmatched entries are listed as unused', () => {
  const policy = parsePolicy(`vulnerabilities:
  - id: GO-2026-6866
    artifacts: [etcd]
    status: not_affected
    justification: vulnerable_code_not_in_execute_path
    impact: etcd never renders HTML from a client, only its own pages.
    expires: 2027-01-01
`);
  const r = resolvePolicy([artifact([finding({})])], policy, '2026-12-03');
  assert.equal(r.violations.length, 1);
  assert.deepEqual(r.unused.map((e) => e.id), ['GO-2026-6866']);
});

test('tools are reported but never fail the gate (they are not shipped)', () => {
  const r = resolvePolicy([artifact([finding({})], { name: 'cosign', kind: 'tool', component: 'cosign' })], none, '2026-12-03');
  assert.deepEqual(r.violations, []);
  assert.equal(r.toolViolations.length, 1);
});

test('the bump hint is the toolchain for stdlib, the version for the main module, goRequires otherwise', () => {
  const a = artifact([]);
  assert.match(bumpHint(a, finding({ module: 'stdlib', fixedVersion: 'v1.26.9' })), /goToolchain = 'go1\.26\.9'/);
  assert.match(bumpHint(a, finding({ module: 'k8s.io/kubernetes', fixedVersion: 'v1.36.4' })), /components\['kubernetes'\]\.version to v1\.36\.4/);
  assert.match(bumpHint({ ...a, component: '' }, finding({})), /base root file system/);
});
