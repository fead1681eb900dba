import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planBuild, goArch } from './plan-build.ts';
import type { BuildPlanInput } from './plan-build.ts';
import { components } from '../versions/table.ts';
import { binaryRecipes, imageRecipes } from '../versions/recipes.ts';
import type { ComponentId } from '../versions/table.ts';

const base: BuildPlanInput = {
  arch: 'amd64',
  hostArch: 'amd64',
  cacheDir: '/cache',
  toolchain: { go: 'go1.26.8', cc: 'gcc 12.2.0' },
  wrapperHashes: { kubernetes: 'k1', etcd: 'e1', containerd: 'c1', runc: 'r1', 'cni-plugins': 'n1', flannel: 'f1', coredns: 'd1', helm: 'h1' },
  cachedArtifactKeys: new Set(),
};

const keys = (input: BuildPlanInput) => Object.fromEntries(planBuild(input).steps.map((s) => [s.component, s.key]));

test('the same inputs plan the same keys', () => {
  assert.deepEqual(keys(base), keys({ ...base }));
  assert.equal(planBuild(base).runtimeKey, planBuild({ ...base }).runtimeKey);
});

test('every component with a recipe gets a step, and every image is planned on the host arch', () => {
  const plan = planBuild(base);
  const stepIds = plan.steps.map((s) => s.component).sort();
  const recipeIds = [...new Set(binaryRecipes.map((r) => r.component))].filter((id) => components[id].tool !== true).sort();
  assert.deepEqual(stepIds, recipeIds);
  assert.equal(plan.images.length, imageRecipes.length);
  assert.deepEqual(plan.skipped, []);
  assert.match(plan.runtimeDir, /^\/cache\/runtime\/[0-9a-f]{24}$/);
});

test('a version bump changes only that component key and the runtime key', () => {
  const bumped = { ...components, etcd: { ...components.etcd, version: 'v3.6.99' } };
  const before = keys(base);
  const after = keys({ ...base, table: bumped });
  for (const id of Object.keys(before) as ComponentId[]) {
    if (id === 'etcd') assert.notEqual(after[id], before[id]);
    else assert.equal(after[id], before[id], `${id} must not rebuild`);
  }
  assert.notEqual(planBuild({ ...base, table: bumped }).runtimeKey, planBuild(base).runtimeKey);
});

test('pause depends on the kubernetes source it is compiled from', () => {
  const bumped = { ...components, kubernetes: { ...components.kubernetes, version: 'v1.36.9' } };
  assert.notEqual(keys({ ...base, table: bumped }).pause, keys(base).pause);
});

test('a recipe change (ldflags) changes the key of that component only', () => {
  const changed = binaryRecipes.map((r) => (r.name === 'flanneld' && r.kind === 'go-binary' ? { ...r, tags: ['extra'] } : r));
  const before = keys(base);
  const after = keys({ ...base, binaryRecipes: changed });
  assert.notEqual(after.flannel, before.flannel);
  assert.equal(after.kubernetes, before.kubernetes);
});

test('wrapper module edits (go.sum) and the Go toolchain are part of the key', () => {
  assert.notEqual(keys({ ...base, wrapperHashes: { ...base.wrapperHashes, helm: 'h2' } }).helm, keys(base).helm);
  const newGo = keys({ ...base, toolchain: { ...base.toolchain, go: 'go1.26.9' } });
  assert.notEqual(newGo.kubernetes, keys(base).kubernetes);
});

test('the C compiler matters only for C and cgo artifacts', () => {
  const newCc = keys({ ...base, toolchain: { ...base.toolchain, cc: 'gcc 13' } });
  const before = keys(base);
  assert.notEqual(newCc.runc, before.runc);
  assert.notEqual(newCc.pause, before.pause);
  assert.equal(newCc.kubernetes, before.kubernetes);
  assert.equal(newCc.coredns, before.coredns);
});

test('cached artifacts are marked cached', () => {
  const k = keys(base);
  const plan = planBuild({ ...base, cachedArtifactKeys: new Set([k.kubernetes ?? '']) });
  assert.equal(plan.steps.find((s) => s.component === 'kubernetes')?.cached, true);
  assert.equal(plan.steps.find((s) => s.component === 'etcd')?.cached, false);
});

test('cross builds plan every artifact and image; C ones keyed by the cross compiler and libseccomp', () => {
  const cross = { ...base, arch: 'arm64' as const, toolchain: { go: 'go1.26.8', cc: 'aarch64-linux-gnu-gcc (Debian 12.2.0-14) 12.2.0', ccCommand: 'aarch64-linux-gnu-gcc', libseccomp: 'libseccomp-dev:arm64 2.5.4-1+deb12u1' } };
  const plan = planBuild(cross);
  const names = plan.steps.flatMap((s) => s.recipes.map((r) => r.name));
  for (const n of ['kubernetes', 'runc', 'pause', 'flanneld', 'kube-router']) assert.ok(names.includes(n), n);
  // the network policy image's iptables, ipset and glibc are pinned for arm64 too: nothing is skipped
  assert.deepEqual(plan.skipped.map((s) => s.name), []);
  assert.equal(plan.images.length, imageRecipes.length);
  assert.notEqual(keys(cross).kubernetes, keys(base).kubernetes);
  const otherLib = keys({ ...cross, toolchain: { ...cross.toolchain, libseccomp: 'libseccomp 2.5.4-1+deb12u1 (Debian source, static)' } });
  assert.notEqual(otherLib.runc, keys(cross).runc, 'libseccomp is part of runc key');
  assert.equal(otherLib.pause, keys(cross).pause);
  assert.equal(otherLib.flannel, keys(cross).flannel);
  // Where pkg-config looks is a host path: not an input of the bytes.
  assert.deepEqual(keys({ ...cross, toolchain: { ...cross.toolchain, pkgConfigLibdir: '/elsewhere' } }), keys(cross));
  // every chart, the network policy one included, as on amd64
  assert.deepEqual(plan.charts.map((c) => c.spec.name), ['rfo-coredns', 'rfo-metrics-server', 'rfo-local-path', 'rfo-network-policy', 'rfo-gateway-api-crds', 'rfo-traefik']);
  assert.deepEqual(planBuild(base).charts.map((c) => c.spec.name), plan.charts.map((c) => c.spec.name));
});

test('riscv64 builds everything but the Debian packages bookworm lacks for it (busybox, iptables...), and the charts that need them', () => {
  const plan = planBuild({ ...base, arch: 'riscv64' });
  const names = plan.steps.flatMap((s) => s.recipes.map((r) => r.name));
  for (const n of ['runc', 'pause', 'coredns']) assert.ok(names.includes(n), n);
  assert.deepEqual(plan.skipped.map((s) => s.name).sort(), ['busybox', 'docker.io/rfo/busybox:1.35.0-4-deb12u1-b1', 'docker.io/rfo/kube-router:v2.1.0']);
  assert.match(plan.skipped.find((s) => s.name === 'busybox')?.reason ?? '', /no \.deb of busybox-static .* is pinned for riscv64/);
  // local-path needs busybox for its helper pod
  assert.deepEqual(plan.charts.map((c) => c.spec.name), ['rfo-coredns', 'rfo-metrics-server', 'rfo-gateway-api-crds', 'rfo-traefik']);
});

test('the Debian packages an image takes files from are part of the runtime key', () => {
  const image = imageRecipes.find((i) => i.component === 'kube-router');
  assert.ok(image?.debianFiles);
  const other = { ...image, debianFiles: image.debianFiles.filter((d) => d.package !== 'netbase') };
  const a = planBuild({ ...base, imageRecipes: [image] });
  const b = planBuild({ ...base, imageRecipes: [other] });
  assert.notEqual(a.runtimeKey, b.runtimeKey);
  assert.equal(a.cacheDir, base.cacheDir);
});

test('--only restricts the plan', () => {
  const plan = planBuild({ ...base, only: ['flannel'] });
  assert.deepEqual(plan.steps.map((s) => s.component), ['flannel']);
  assert.deepEqual(plan.images, []);
});

test('goArch maps node arch names and rejects others', () => {
  assert.equal(goArch('x64'), 'amd64');
  assert.equal(goArch('arm64'), 'arm64');
  assert.throws(() => goArch('ia32'));
});

test('a base root file system changes the runtime key, never the binaries', () => {
  const withBase = planBuild({ ...base, baseRootfs: { path: '/x/oe.tar', name: 'oe.tar', sha256: 'a'.repeat(64) } });
  assert.notEqual(withBase.runtimeKey, planBuild(base).runtimeKey);
  assert.deepEqual(keys({ ...base, baseRootfs: { path: '/x/oe.tar', name: 'oe.tar', sha256: 'a'.repeat(64) } }), keys(base));
  const otherBase = planBuild({ ...base, baseRootfs: { path: '/x/oe.tar', name: 'oe.tar', sha256: 'b'.repeat(64) } });
  assert.notEqual(otherBase.runtimeKey, withBase.runtimeKey);
});

test('a new vulnerability database changes the runtime key (its manifest names it), never a binary', () => {
  const bumped = { ...base, vulnDatabase: { module: 'golang.org/x/vulndb', version: 'v0.0.0-20270101000000-000000000000', sum: 'h1:other=' } };
  assert.deepEqual(keys(bumped), keys(base));
  assert.notEqual(planBuild(bumped).runtimeKey, planBuild(base).runtimeKey);
});

test('a security floor (goRequires) is part of that component key only', () => {
  const floored = { ...components, etcd: { ...components.etcd, goRequires: { ...components.etcd.goRequires, 'golang.org/x/net': 'v0.99.0' } } };
  const before = keys(base);
  const after = keys({ ...base, table: floored });
  for (const id of Object.keys(before) as ComponentId[]) {
    if (id === 'etcd') assert.notEqual(after[id], before[id]);
    else assert.equal(after[id], before[id], id);
  }
});

test('a chart of data (the Gateway API CRDs) comes with the runtime though it has no image; its pinned module is in the key', () => {
  const names = (input: BuildPlanInput) => planBuild(input).charts.map((c) => c.spec.name);
  assert.deepEqual(names(base).slice(-2), ['rfo-gateway-api-crds', 'rfo-traefik']);
  assert.deepEqual(names({ ...base, only: ['coredns'] }), ['rfo-coredns'], '--only leaves it out unless named');
  assert.deepEqual(names({ ...base, only: ['gateway-api'] }), ['rfo-gateway-api-crds']);
  const crds = planBuild(base).charts.find((c) => c.spec.name === 'rfo-gateway-api-crds');
  assert.ok(crds?.fromModule);
  const resummed = planBuild(base).charts.map((c) => (c === crds || c.spec.name === 'rfo-gateway-api-crds' ? { ...c, fromModule: { ...crds.fromModule!, sum: 'h1:other=' } } : c));
  assert.notEqual(planBuild({ ...base, charts: resummed }).runtimeKey, planBuild(base).runtimeKey);
});
