import { test } from 'node:test';
import assert from 'node:assert/strict';
import { busyboxApplets, conformanceImageRecipes, diffApplets } from './images.ts';
import { imageName, parseListImages, planConformanceImages } from './plan-images.ts';

const listed = `I1205 12:00:00 some log line
registry.k8s.io/e2e-test-images/agnhost:2.63.0
registry.k8s.io/e2e-test-images/agnhost:2.55
registry.k8s.io/e2e-test-images/busybox:1.37.0-1
registry.k8s.io/e2e-test-images/ipc-utils:1.4
registry.k8s.io/pause:3.10.2
registry.k8s.io/etcd:3.6.8-0
registry.k8s.io/sig-storage/csi-attacher:v4.8.1
gcr.io/k8s-authenticated-test/agnhost:2.6
invalid.registry.k8s.io/invalid/alpine:3.1
registry.k8s.io/e2e-test-images/agnhost:2.63.0
`;

test('parseListImages keeps references only, once each', () => {
  const refs = parseListImages(listed);
  assert.equal(refs.length, 9);
  assert.ok(!refs.some((r) => r.includes(' ')));
});

test('imageName is the last element of the repository', () => {
  assert.equal(imageName('registry.k8s.io/e2e-test-images/glibc-dns-testing:2.0.0'), 'glibc-dns-testing');
  assert.equal(imageName('localhost:5000/a/b:1'), 'b');
});

test('planConformanceImages builds every listed tag of a known e2e image and names the rest', () => {
  const plan = planConformanceImages(parseListImages(listed), conformanceImageRecipes, ['registry.k8s.io/pause:3.10.2']);
  const agnhost = plan.build.find((b) => b.recipe.name === 'agnhost');
  assert.deepEqual(agnhost?.refs, ['registry.k8s.io/e2e-test-images/agnhost:2.55', 'registry.k8s.io/e2e-test-images/agnhost:2.63.0']);
  assert.ok(plan.build.some((b) => b.recipe.name === 'busybox'));
  const notBuilt = plan.notBuilt.map((n) => n.ref);
  assert.ok(notBuilt.includes('registry.k8s.io/e2e-test-images/ipc-utils:1.4'));
  assert.ok(notBuilt.includes('gcr.io/k8s-authenticated-test/agnhost:2.6'), 'the private agnhost is not ours to stand in for');
  assert.ok(!notBuilt.includes('registry.k8s.io/pause:3.10.2'), 'the runtime has pause');
  assert.ok(plan.build.some((b) => b.recipe.name === 'etcd' && b.refs.includes('registry.k8s.io/etcd:3.6.8-0')), 'etcd under its own repository');
  assert.ok(notBuilt.includes('registry.k8s.io/sig-storage/csi-attacher:v4.8.1'));
});

test('every recipe says what it stands in for', () => {
  for (const r of conformanceImageRecipes) assert.ok(r.standIn.length > 10, r.name);
});

test('agnhost images run netcat-openbsd as nc (the Service specs use its -v -t options), busybox keeps its own', () => {
  const agnhost = conformanceImageRecipes.find((r) => r.name === 'agnhost');
  const links = [...(agnhost?.base?.layer.symlinks ?? []), ...(agnhost?.symlinks ?? [])];
  assert.ok(links.some((l) => l.path === '/usr/bin/nc' && l.target === '/bin/nc.openbsd'));
  assert.ok(!links.some((l) => l.path === '/bin/nc'));
  // bash as sh, as upstream's agnhost has it
  assert.ok(links.some((l) => l.path === '/bin/sh' && l.target === 'bash'));
  assert.equal(links.filter((l) => l.path === '/bin/sh').length, 1);
  const busybox = conformanceImageRecipes.find((r) => r.name === 'busybox');
  assert.ok(busybox?.symlinks?.some((l) => l.path === '/bin/nc'));
});

test('the conformance suite is built from the Kubernetes version of every minor', async () => {
  const { tableForMinor, minorLines } = await import('../versions/minors.ts');
  const { pinnedComponents } = await import('../versions/table.ts');
  for (const line of minorLines) {
    const table = tableForMinor(pinnedComponents, line.minor);
    assert.equal(table.conformance.version, table.kubernetes.version, line.minor);
  }
});

test("agnhost, kitten, nautilus and the DNS probers (glibc-dns-testing, 1.35's jessie-dnsutils) share one tools layer", () => {
  const sharing = conformanceImageRecipes.filter((r) => ['agnhost', 'kitten', 'nautilus', 'glibc-dns-testing', 'jessie-dnsutils'].includes(r.name));
  assert.equal(sharing.length, 5);
  const bases = new Set(sharing.map((r) => r.base));
  assert.equal(bases.size, 1);
  assert.ok([...bases][0]?.layer.debianFiles?.some((d) => d.package === 'bind9-dnsutils'));
});

test("the busybox images run busybox's own sh (no bash, no glibc) and link every applet", () => {
  for (const name of ['busybox', 'nonroot', 'nonewprivs', 'nginx']) {
    const r = conformanceImageRecipes.find((x) => x.name === name);
    const sh = (r?.symlinks ?? []).filter((l) => l.path === '/bin/sh');
    assert.deepEqual(sh, [{ path: '/bin/sh', target: 'busybox' }], name);
    assert.ok(!r?.debianFiles?.some((d) => d.package === 'bash'), name);
    assert.deepEqual(r?.files.find((f) => f.path === '/bin/busybox')?.from, { binary: 'busybox-defconfig' }, name);
  }
  const busybox = conformanceImageRecipes.find((x) => x.name === 'busybox');
  assert.equal(busybox?.debianFiles, undefined, 'the busybox image is the static binary alone');
  for (const applet of ['sysctl', 'hexdump', 'env', 'nslookup', 'wget']) assert.ok(busybox?.symlinks?.some((l) => l.path === `/bin/${applet}`), applet);
});

test('diffApplets names what a built busybox and the image links disagree on', () => {
  assert.equal(diffApplets(['sh', 'ls'], ['ls', 'sh']), '');
  assert.equal(diffApplets(['sh', 'ls', 'tc'], ['sh', 'ls', 'ip']), 'not linked: tc; not in the binary: ip');
  assert.equal(busyboxApplets.length, new Set(busyboxApplets).size, 'no applet twice');
});
