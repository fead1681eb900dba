import { test } from 'node:test';
import assert from 'node:assert/strict';
import { components, rfoVersion, kubernetesVersion, supportedArches } from './table.ts';
import type { ComponentId } from './table.ts';
import { binaryRecipes, debianImageTag, imageRecipes, linksSeccomp, usesCgo } from './recipes.ts';

test('every component is pinned to an exact release version', () => {
  for (const [id, c] of Object.entries(components)) {
    assert.equal(c.id, id);
    assert.match(c.version, /^v?\d+\.\d+\.\d+$/, `${id} must pin an exact release, not a range or branch`);
  }
});

test('Kubernetes is on the 1.36 line and the rfo version follows vX.Y.Z+rforN', () => {
  assert.match(components.kubernetes.version, /^v1\.36\.\d+$/);
  assert.match(rfoVersion(), /^v1\.36\.\d+\+rfor\d+$/);
  assert.equal(`v${kubernetesVersion()}`, components.kubernetes.version);
});

test('etcd stays on 3.6, the line Kubernetes 1.36 is validated with', () => {
  assert.match(components.etcd.version, /^v3\.6\.\d+$/);
});

test('recipes name only known components and unique binaries', () => {
  const names = new Set<string>();
  for (const r of binaryRecipes) {
    assert.ok(r.component in components, `${r.name}: unknown component ${r.component}`);
    for (const n of [r.name, ...(r.kind === 'go-binary' ? (r.aliases ?? []) : [])]) {
      assert.ok(!names.has(n), `duplicate binary name ${n}`);
      names.add(n);
    }
  }
  for (const want of ['kube-apiserver', 'kubelet', 'kubectl', 'etcd', 'containerd', 'ctr', 'runc', 'bridge', 'host-local', 'loopback', 'portmap', 'bandwidth', 'flanneld', 'coredns', 'helm', 'crictl', 'pause']) {
    assert.ok(names.has(want), `runtime must contain ${want}`);
  }
});

test('Go recipes build from a module the component pins', () => {
  for (const r of binaryRecipes) {
    if (r.kind !== 'go-binary' || r.package === '.') continue;
    const mods = components[r.component].modules;
    // ginkgo is built at the version k8s.io/kubernetes' go.mod requires, not pinned beside it.
    // So is the staging module k8s.io/sample-apiserver (replaced with its published v0.<minor> like every staging module).
    if (r.component === 'conformance' && (r.package.startsWith('github.com/onsi/ginkgo/v2/') || r.package === 'k8s.io/sample-apiserver')) continue;
    assert.ok(mods.some((m) => r.package === m || r.package.startsWith(`${m}/`)), `${r.name}: ${r.package} is not in ${mods.join(', ')}`);
  }
});

test('image references carry the pinned version as their tag', () => {
  const refs = imageRecipes.map((i) => i.ref);
  assert.equal(new Set(refs).size, refs.length);
  for (const image of imageRecipes) {
    const tag = image.ref.split(':').at(-1);
    // An image of a Debian package carries the package's version (busybox: 1.35.0-4-deb12u1-b1).
    const debian = components[image.component].debian;
    assert.equal(tag, debian ? debianImageTag(debian.version) : components[image.component].version, image.ref);
    for (const f of image.files) assert.ok(binaryRecipes.some((r) => r.name === f.from), `${image.ref}: no recipe builds ${f.from}`);
  }
});

test('cgo is per arch (flanneld: amd64 only), runc links libseccomp everywhere, and every arch is named', () => {
  const goRecipe = (name: string) => {
    const r = binaryRecipes.find((x) => x.name === name);
    assert.ok(r?.kind === 'go-binary', name);
    return r;
  };
  assert.equal(usesCgo(goRecipe('flanneld'), 'amd64'), true);
  assert.equal(usesCgo(goRecipe('flanneld'), 'arm64'), false, 'flanneld is pure Go off amd64');
  assert.equal(usesCgo(goRecipe('kubernetes'), 'arm64'), false);
  for (const arch of supportedArches) assert.equal(linksSeccomp(goRecipe('runc'), arch), true, arch);
  assert.equal(linksSeccomp(goRecipe('flanneld'), 'amd64'), false);
  assert.deepEqual([...supportedArches], ['amd64', 'arm64', 'riscv64']);
  const ids = Object.keys(components) as ComponentId[];
  assert.ok(ids.includes('pause'));
});

test('a Debian version becomes a valid image tag: no epoch, no plus', () => {
  assert.equal(debianImageTag('1:1.35.0-4+deb12u1+b1'), '1.35.0-4-deb12u1-b1');
  assert.equal(debianImageTag('2.0-1'), '2.0-1');
});
