import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expandPlaceholders, renderGoBuild, renderLdflags } from './render-go-build.ts';
import { components, goToolchain } from '../versions/table.ts';
import { binaryRecipes } from '../versions/recipes.ts';
import type { GoBinaryRecipe } from '../versions/recipes.ts';

const goRecipe = (name: string): GoBinaryRecipe => {
  const r = binaryRecipes.find((x) => x.name === name);
  assert.ok(r && r.kind === 'go-binary', `no go recipe ${name}`);
  return r;
};

test('placeholders expand from the component version', () => {
  const k = components.kubernetes;
  assert.equal(expandPlaceholders('{version}|{semver}|{major}|{minor}|{buildDate}', k, '2026-07-22T18:07:38Z'), 'v1.36.3|1.36.3|1|36|2026-07-22T18:07:38Z');
});

test('kubernetes ldflags stamp the real version into both version packages', () => {
  const flags = renderLdflags(goRecipe('kubernetes'), components.kubernetes, '2026-07-22T18:07:38Z', 'amd64');
  assert.match(flags, /-X 'k8s\.io\/component-base\/version\.gitVersion=v1\.36\.3'/);
  assert.match(flags, /-X 'k8s\.io\/client-go\/pkg\/version\.gitVersion=v1\.36\.3'/);
  assert.match(flags, /-X 'k8s\.io\/component-base\/version\.gitMinor=36'/);
  assert.match(flags, /buildDate=2026-07-22T18:07:38Z/);
  assert.match(flags, /^-w -buildid= /);
  assert.doesNotMatch(flags, /(^| )-s( |$)/, 'the symbol table stays: govulncheck needs it for symbol-level results');
  assert.doesNotMatch(flags, /extldflags/);
});

test('cgo recipes link statically and enable cgo; pure-Go ones disable it', () => {
  const runc = goRecipe('runc');
  assert.match(renderLdflags(runc, components.runc, 'x', 'amd64'), /-extldflags '-static'/);
  const spec = renderGoBuild(runc, { component: components.runc, arch: 'amd64', buildDate: 'x', outFile: '/o/runc', wrapperDir: '/w' });
  assert.equal(spec.env.CGO_ENABLED, '1');
  const etcd = renderGoBuild(goRecipe('etcd'), { component: components.etcd, arch: 'arm64', buildDate: 'x', outFile: '/o/etcd', wrapperDir: '/w' });
  assert.equal(etcd.env.CGO_ENABLED, '0');
  assert.equal(etcd.env.GOARCH, 'arm64');
  assert.equal(etcd.env.GOTOOLCHAIN, goToolchain, 'the pinned toolchain, never one a go.mod asks for');
  assert.equal(etcd.env.GOFLAGS, '-mod=readonly');
  assert.deepEqual(etcd.args.slice(0, 3), ['build', '-trimpath', '-buildvcs=false']);
  assert.equal(etcd.args.at(-1), 'go.etcd.io/etcd/server/v3');
  assert.equal(etcd.args.at(-2), '/o/etcd');
  assert.equal(etcd.cwd, '/w');
});

test('build tags are passed comma-separated', () => {
  const spec = renderGoBuild(goRecipe('containerd'), { component: components.containerd, arch: 'amd64', buildDate: 'x', outFile: '/o', wrapperDir: '/w' });
  const i = spec.args.indexOf('-tags');
  assert.ok(i > 0);
  assert.equal(spec.args[i + 1], goRecipe('containerd').tags.join(','));
});

test('flanneld uses cgo (static) on amd64 only, as upstream does for its UDP backend', () => {
  const f = goRecipe('flanneld');
  const facts = { component: components.flannel, buildDate: 'x', outFile: '/o', wrapperDir: '/w' };
  assert.equal(renderGoBuild(f, { ...facts, arch: 'amd64' }).env.CGO_ENABLED, '1');
  assert.equal(renderGoBuild(f, { ...facts, arch: 'arm64' }).env.CGO_ENABLED, '0');
  assert.doesNotMatch(renderLdflags(f, components.flannel, 'x', 'arm64'), /extldflags/);
});

test('helm reports its pinned version; Helm 4 reads the Kubernetes version from the cluster it installs to', () => {
  const flags = renderLdflags(goRecipe('helm'), components.helm, 'x', 'amd64');
  assert.match(flags, new RegExp(`helm.sh/helm/v4/internal/version\\.version=${components.helm.version.replaceAll('.', '\\.')}'`));
  assert.match(flags, /internal\/version\.gitTreeState=clean'/);
  assert.doesNotMatch(flags, /k8sVersion/);
});
