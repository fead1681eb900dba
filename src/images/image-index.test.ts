import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildImage } from './build-image.ts';
import type { ImageSpec } from './image-spec.ts';
import { buildImageIndex, indexByReference } from './image-index.ts';
import { buildImageArchive } from './write-archive.ts';
import { readImageArchive, readImages } from './read-archive.ts';
import { readTar } from '../util/tar-reader.ts';
import { writeTar } from '../util/tar-writer.ts';
import type { TarEntry } from '../util/tar-writer.ts';
import { canonicalJson, sha256Hex } from '../util/canonical-json.ts';

const pauseFor = (arch: ImageSpec['arch']) =>
  buildImage({ ref: 'registry.k8s.io/pause:3.10.2', arch, files: [{ path: '/pause', content: Buffer.from(`pause for ${arch}`), mode: 0o755 }], config: { entrypoint: ['/pause'] } });
const corednsFor = (arch: ImageSpec['arch']) =>
  buildImage({ ref: 'registry.k8s.io/coredns/coredns:v1.14.7', arch, files: [{ path: '/coredns', content: Buffer.from(`coredns for ${arch}`), mode: 0o755 }], config: {} });
const json = (b: Buffer) => JSON.parse(b.toString()) as Record<string, unknown>;
const fileOf = (bytes: Buffer, name: string) => readTar(bytes).find((e) => e.name === name)?.content ?? Buffer.alloc(0);

test('an image index lists each arch manifest with its platform, in a fixed arch order', () => {
  const [amd, arm, rv] = [pauseFor('amd64'), pauseFor('arm64'), pauseFor('riscv64')];
  const a = buildImageIndex([rv, amd, arm]);
  const b = buildImageIndex([arm, rv, amd]);
  assert.equal(a.index.digest, b.index.digest, 'order of the inputs does not matter');
  assert.equal(a.index.digest, `sha256:${sha256Hex(a.index.data)}`);
  assert.deepEqual(json(a.index.data), {
    manifests: [amd, arm, rv].map((i) => ({ digest: i.manifest.digest, mediaType: 'application/vnd.oci.image.manifest.v1+json', platform: { architecture: i.arch, os: 'linux' }, size: i.manifest.data.length })),
    mediaType: 'application/vnd.oci.image.index.v1+json',
    schemaVersion: 2,
  });
  assert.throws(() => buildImageIndex([amd, pauseFor('amd64')]), /two images for amd64/);
  assert.throws(() => buildImageIndex([amd, corednsFor('arm64')]), /another reference/);
  assert.throws(() => buildImageIndex([]), /no images/);
});

test('a multi-arch archive: one index.json entry per reference naming its index, every blob inside, no docker manifest', () => {
  const perArch = [pauseFor('amd64'), corednsFor('amd64'), pauseFor('arm64'), corednsFor('arm64')];
  const multi = indexByReference(perArch);
  assert.deepEqual(multi.map((m) => [m.ref, m.images.map((i) => i.arch)]), [
    ['registry.k8s.io/pause:3.10.2', ['amd64', 'arm64']],
    ['registry.k8s.io/coredns/coredns:v1.14.7', ['amd64', 'arm64']],
  ]);
  const archive = buildImageArchive(multi);
  const index = json(fileOf(archive.bytes, 'index.json')) as { manifests: Record<string, unknown>[] };
  assert.deepEqual(index.manifests[0], {
    annotations: { 'io.containerd.image.name': 'registry.k8s.io/pause:3.10.2', 'org.opencontainers.image.ref.name': '3.10.2' },
    digest: multi[0]?.index.digest,
    mediaType: 'application/vnd.oci.image.index.v1+json',
    size: multi[0]?.index.data.length,
  });
  assert.ok(!readTar(archive.bytes).some((e) => e.name === 'manifest.json'));
  const read = readImageArchive(archive.bytes);
  assert.deepEqual(read, archive.images);
  assert.deepEqual(read.map((i) => [i.ref, i.arch, i.indexDigest === multi.find((m) => m.ref === i.ref)?.index.digest]), [
    ['registry.k8s.io/pause:3.10.2', 'amd64', true],
    ['registry.k8s.io/pause:3.10.2', 'arm64', true],
    ['registry.k8s.io/coredns/coredns:v1.14.7', 'amd64', true],
    ['registry.k8s.io/coredns/coredns:v1.14.7', 'arm64', true],
  ]);
  // The per-arch manifest digests are the per-arch archives' own: the index adds nothing to them.
  const single = readImageArchive(buildImageArchive([pauseFor('arm64')]).bytes);
  assert.equal(single[0]?.manifestDigest, read[1]?.manifestDigest);
});

test('per-arch archives read back with their blobs combine into the multi-arch archive', () => {
  const amd = buildImageArchive([pauseFor('amd64')]).bytes;
  const arm = buildImageArchive([pauseFor('arm64')]).bytes;
  const images = [...readImages(amd), ...readImages(arm)].map((i) => i.built);
  const direct = buildImageArchive(indexByReference([pauseFor('amd64'), pauseFor('arm64')]));
  assert.equal(sha256Hex(buildImageArchive(indexByReference(images)).bytes), sha256Hex(direct.bytes));
});

test('a multi-arch archive with a missing arch blob, a platform-less entry or a lying platform is refused', () => {
  const multi = indexByReference([pauseFor('amd64'), pauseFor('arm64')]);
  const good = buildImageArchive(multi).bytes;
  const edit = (fn: (files: Map<string, Buffer>) => void) => {
    const files = new Map(readTar(good).filter((e) => e.type === 'file').map((e) => [e.name, Buffer.from(e.content)]));
    fn(files);
    return writeTar([...files].map(([path, content]): TarEntry => ({ type: 'file', path, content })));
  };
  const arm = multi[0]?.images[1];
  assert.ok(arm);
  assert.throws(() => readImageArchive(edit((f) => f.delete(`blobs/sha256/${arm.config.digest.slice(7)}`))), /config of registry.k8s.io\/pause:3.10.2 .* is missing/);
  /** Replace the nested index and point index.json at it. */
  const withIndex = (value: Record<string, unknown>) =>
    edit((f) => {
      const data = Buffer.from(canonicalJson(value));
      const digest = `sha256:${sha256Hex(data)}`;
      f.set(`blobs/sha256/${digest.slice(7)}`, data);
      const top = json(f.get('index.json') ?? Buffer.alloc(0)) as { manifests: Record<string, unknown>[] };
      top.manifests = top.manifests.map((m) => ({ ...m, digest, size: data.length }));
      f.set('index.json', Buffer.from(canonicalJson(top)));
    });
  const nested = json(multi[0]?.index.data ?? Buffer.alloc(0)) as { manifests: Record<string, unknown>[] };
  assert.throws(() => readImageArchive(withIndex({ ...nested, manifests: nested.manifests.map(({ platform: _p, ...rest }) => rest) })), /without a platform/);
  assert.throws(() => readImageArchive(withIndex({ ...nested, manifests: [nested.manifests[1], nested.manifests[1]] })), /lists arm64 twice/);
  assert.throws(() => readImageArchive(withIndex({ ...nested, manifests: [{ ...nested.manifests[0], platform: { architecture: 'riscv64', os: 'linux' } }] })), /descriptor says riscv64, the config amd64/);
});
