import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { checkMinorPairs, parseKubeadmPairs } from './check-minor-pairs.ts';
import { defaultMinor, minorLines, minorOf, tableForMinor } from './minors.ts';
import { pinnedComponents, wrapperName } from './table.ts';

test('three consecutive minors, newest patch each, the default among them', () => {
  const minors = minorLines.map((l) => l.minor);
  assert.deepEqual(minors, ['1.35', '1.36', '1.37']);
  for (const l of minorLines) assert.equal(minorOf(l.kubernetes), l.minor);
  assert.ok(minors.includes(defaultMinor));
  assert.equal(minorLines.find((l) => l.minor === defaultMinor)?.kubernetes, pinnedComponents.kubernetes.version);
});

test('support dates follow upstream: active support ends 2 months before the end of maintenance', () => {
  for (const l of minorLines) {
    const active = new Date(l.endOfActiveSupport);
    const end = new Date(l.endOfMaintenance);
    const months = (end.getUTCFullYear() - active.getUTCFullYear()) * 12 + end.getUTCMonth() - active.getUTCMonth();
    assert.equal(months, 2, l.minor);
    assert.ok(new Date(l.kubernetesReleased) < new Date(l.rfoReleased), l.minor);
  }
});

test('a minor table replaces Kubernetes and its pairs, each in its own wrapper; the rest is shared', () => {
  const t135 = tableForMinor(pinnedComponents, '1.35');
  assert.equal(t135.kubernetes.version, 'v1.35.4');
  assert.equal(wrapperName(t135.kubernetes), 'kubernetes-1.35');
  assert.equal(t135.pause.version, '3.10.1');
  assert.equal(t135.pause.wrapper, undefined, 'pause is C from the Kubernetes source: no wrapper');
  assert.equal(t135.etcd, pinnedComponents.etcd, 'same etcd as the default: same wrapper, same cached build');
  const t137 = tableForMinor(pinnedComponents, '1.37');
  assert.equal(wrapperName(t137.etcd), 'etcd-3.7');
  assert.equal(t137.containerd, pinnedComponents.containerd);
  assert.equal(tableForMinor(pinnedComponents, defaultMinor).kubernetes, pinnedComponents.kubernetes);
  assert.throws(() => tableForMinor(pinnedComponents, '1.34'), /no minor 1\.34/);
});

test('parseKubeadmPairs reads kubeadm constants and normalises the etcd image tag', () => {
  const src = 'const (\n\tDefaultEtcdVersion = "3.6.6-0"\n)\nvar CoreDNSVersion = "v1.13.1"\n\tPauseVersion = "3.10.1"\n';
  assert.deepEqual(parseKubeadmPairs(src), { etcd: 'v3.6.6', coredns: 'v1.13.1', pause: '3.10.1' });
  assert.throws(() => parseKubeadmPairs('nothing'), /DefaultEtcdVersion not found/);
});

test('checkMinorPairs refuses another etcd line, an older patch, another pause, and an unexplained CoreDNS line', () => {
  const kubeadm = { etcd: 'v3.6.6', coredns: 'v1.13.1', pause: '3.10.1' };
  const t = tableForMinor(pinnedComponents, '1.35');
  assert.deepEqual(checkMinorPairs(t, kubeadm, ['CoreDNS 1.14 because…']), []);
  assert.match(checkMinorPairs(t, kubeadm).join(), /coredns v1\.14\.7: kubeadm names the 1\.13 line/);
  const bad = { ...t, etcd: { ...t.etcd, version: 'v3.7.4' }, pause: { ...t.pause, version: '3.10.2' } };
  const problems = checkMinorPairs(bad, kubeadm, ['CoreDNS']).join('\n');
  assert.match(problems, /etcd v3\.7\.4/);
  assert.match(problems, /pause 3\.10\.2/);
  assert.match(checkMinorPairs({ ...t, etcd: { ...t.etcd, version: 'v3.6.5' } }, kubeadm, ['CoreDNS']).join(), /etcd v3\.6\.5/);
});

// Against the real source: each pinned k8s.io/kubernetes module's own kubeadm
// constants (downloaded through the module proxy, ~40 MB once per machine).
for (const l of minorLines) {
  test(`minor ${l.minor}: etcd, CoreDNS and pause agree with kubeadm ${l.kubernetes}`, async () => {
    const { stdout } = await promisify(execFile)('go', ['mod', 'download', '-json', `k8s.io/kubernetes@${l.kubernetes}`], { cwd: '/', env: { ...process.env, GOFLAGS: '-mod=mod' }, maxBuffer: 1 << 20 });
    const dir = (JSON.parse(stdout) as { Dir: string }).Dir;
    const kubeadm = parseKubeadmPairs(await readFile(join(dir, 'cmd/kubeadm/app/constants/constants.go'), 'utf8'));
    assert.deepEqual(checkMinorPairs(tableForMinor(pinnedComponents, l.minor), kubeadm, l.notes), []);
  });
}
