import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { parseGoMod, parseGoSum, parseStagingReplaces, renderWrapperGoMod, stagingVersion } from './gomod.ts';
import { components, pinnedComponents, wrapperName } from '../versions/table.ts';
import type { Component, ComponentId } from '../versions/table.ts';
import { minorLines, tableForMinor } from '../versions/minors.ts';
import { recipesFor } from '../versions/recipes.ts';
import { repoRoot } from './paths.ts';
import { compareSemver } from '../scan/parse-semver.ts';

const kubeGoModSample = `module k8s.io/kubernetes

go 1.26.0

require (
	k8s.io/api v0.0.0
	k8s.io/utils v0.0.0-20250820121507-0af2bda4dd1d
)

replace (
	k8s.io/api => ./staging/src/k8s.io/api
	k8s.io/sample-controller => ./staging/src/k8s.io/sample-controller
	k8s.io/other => k8s.io/other v1.2.3
)
replace k8s.io/kms => ./staging/src/k8s.io/kms
`;

/** The component as upstream pins it, without our security floors. */
function withoutFloors(id: ComponentId) {
  const { goRequires: _floors, ...rest } = components[id];
  return rest;
}

test('staging replaces are read from Kubernetes go.mod, local ./staging paths only', () => {
  assert.deepEqual(parseStagingReplaces(kubeGoModSample), ['k8s.io/api', 'k8s.io/kms', 'k8s.io/sample-controller']);
});

test('staging modules are published as v0.<minor>.<patch>', () => {
  assert.equal(stagingVersion('v1.36.3'), 'v0.36.3');
  assert.equal(stagingVersion('v1.37.0-rc.1'), 'v0.37.0-rc.1');
  assert.throws(() => stagingVersion('v2.0.0'));
});

test('the kubernetes wrapper replaces every staging module with its published version', () => {
  const text = renderWrapperGoMod({ component: withoutFloors('kubernetes'), recipes: recipesFor('kubernetes'), stagingModules: ['k8s.io/api', 'k8s.io/kms'] });
  const mod = parseGoMod(text);
  assert.equal(mod.module, 'rfo.dev/runtime/kubernetes');
  assert.equal(mod.go, '1.26.0');
  assert.deepEqual(mod.requires, [{ path: 'k8s.io/kubernetes', version: 'v1.36.3', indirect: false }]);
  assert.deepEqual([...mod.replaces.entries()], [
    ['k8s.io/api', { path: 'k8s.io/api', version: 'v0.36.3' }],
    ['k8s.io/kms', { path: 'k8s.io/kms', version: 'v0.36.3' }],
  ]);
  assert.match(text, /godebug default=go1\.26/);
  assert.deepEqual(mod.tools, [], 'the kubernetes wrapper builds its own main, not a tool');
});

test('security floors are written as their own require block, sorted', () => {
  const text = renderWrapperGoMod({ component: { ...components.etcd, goRequires: { 'golang.org/x/net': 'v0.62.0', 'github.com/klauspost/compress': 'v1.20.2' } }, recipes: recipesFor('etcd') });
  assert.match(text, /require \(\n\tgithub\.com\/klauspost\/compress v1\.20\.2\n\tgolang\.org\/x\/net v0\.62\.0\n\)/);
  assert.equal(parseGoMod(text).requires.length, 5);
});

test('other wrappers name their main packages as tools', () => {
  const mod = parseGoMod(renderWrapperGoMod({ component: withoutFloors('etcd'), recipes: recipesFor('etcd') }));
  assert.deepEqual(mod.tools, ['go.etcd.io/etcd/etcdctl/v3', 'go.etcd.io/etcd/etcdutl/v3', 'go.etcd.io/etcd/server/v3']);
  assert.equal(mod.requires.length, 3);
  assert.equal(mod.replaces.size, 0);
});

test('go.sum parsing keeps module zip hashes, not go.mod hashes', () => {
  const sums = parseGoSum('a.io/x v1.0.0 h1:zip=\na.io/x v1.0.0/go.mod h1:mod=\n\n');
  assert.deepEqual([...sums.entries()], [['a.io/x@v1.0.0', 'h1:zip=']]);
});

// The committed wrapper modules must agree with the version table: a version
// bump without `npm run gen:gomod` fails here, not in a 20-minute build.
// Every maintained minor's wrappers too (go/kubernetes-1.35, go/etcd-3.7...).
const wrappers = new Map<string, Component>();
for (const line of minorLines) {
  const table = tableForMinor(pinnedComponents, line.minor);
  for (const c of Object.values(table)) wrappers.set(wrapperName(c), c);
}
for (const [name, component] of wrappers) {
  const id = component.id;
  if (component.modules.length === 0) continue;
  test(`go/${name}/go.mod pins ${component.version} and go.sum covers it`, async () => {
    const dir = join(repoRoot, 'go', name);
    const mod = parseGoMod(await readFile(join(dir, 'go.mod'), 'utf8'));
    const sums = parseGoSum(await readFile(join(dir, 'go.sum'), 'utf8'));
    for (const m of component.modules) {
      const req = mod.requires.find((r) => r.path === m);
      assert.equal(req?.version, component.version, `${m} must be required at ${component.version}`);
      assert.ok(sums.has(`${m}@${component.version}`), `go.sum lacks ${m}@${component.version}`);
    }
    for (const r of recipesFor(id)) {
      // A test binary (e2e.test) is no tool: test_deps.go keeps its imports instead.
      if (r.kind === 'go-binary' && r.package !== '.' && r.testBinary !== true) assert.ok(mod.tools.includes(r.package), `${r.package} must be a tool`);
    }
    if (component.modules.includes('k8s.io/kubernetes')) {
      const v = stagingVersion(component.version);
      assert.ok(mod.replaces.size >= 30, 'all staging modules replaced');
      for (const [from, to] of mod.replaces) assert.deepEqual(to, { path: from, version: v });
    }
    // Security floors survive go mod tidy: the selected version is at least the floor.
    for (const [path, floor] of Object.entries(component.goRequires ?? {})) {
      const req = mod.requires.find((r) => r.path === path);
      assert.ok(req, `${path} (a goRequires floor) must stay required in go/${name}/go.mod`);
      assert.ok(compareSemver(req.version, floor) >= 0, `${path} ${req.version} is below the floor ${floor}: run RFO_BUILD_MINOR=<minor> npm run gen:gomod -- ${id}`);
    }
    const files = await readdir(dir);
    assert.ok(!files.some((f) => f.startsWith('vendor')), 'no vendored third-party source');
  });
}

test('goReplaces: a local stand-in directory or a served `module version`, sorted', () => {
  const text = renderWrapperGoMod({
    component: { ...components.traefik, goReplaces: { 'example.org/b': 'example.org/fork v1.2.3', 'example.org/a': './unavailable/a' } },
    recipes: recipesFor('traefik'),
  });
  assert.match(text, /replace \(\n\texample\.org\/a => \.\/unavailable\/a\n\texample\.org\/b => example\.org\/fork v1\.2\.3\n\)/);
  const parsed = parseGoMod(text);
  assert.deepEqual(parsed.replaces.get('example.org/b'), { path: 'example.org/fork', version: 'v1.2.3' });
  assert.deepEqual(parsed.tools, ['github.com/traefik/traefik/v3/cmd/traefik']);
});
