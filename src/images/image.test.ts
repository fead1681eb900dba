import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildImage, fileCapabilities, planLayerEntries } from './build-image.ts';
import type { ImageSpec } from './build-image.ts';
import { compressArchive, readImageArchive, refTag, renderImageArchive } from './image-archive.ts';
import { readTar } from '../util/tar-reader.ts';
import { writeTar } from '../util/tar-writer.ts';
import { sha256Hex } from '../util/canonical-json.ts';

const pause: ImageSpec = {
  ref: 'registry.k8s.io/pause:3.10.2',
  arch: 'amd64',
  files: [{ path: '/pause', content: Buffer.from('\x7fELF pause'), mode: 0o755 }],
  config: { entrypoint: ['/pause'], user: '65535:65535' },
};

test('layer diff_id is the sha256 of the layer tar and the manifest points at existing blobs', () => {
  const img = buildImage(pause);
  const config = JSON.parse(img.config.data.toString()) as { architecture: string; os: string; rootfs: { diff_ids: string[] }; config: { Entrypoint: string[]; User: string } };
  assert.equal(config.architecture, 'amd64');
  assert.equal(config.os, 'linux');
  assert.deepEqual(config.rootfs.diff_ids, [`sha256:${sha256Hex(img.layers[0]?.data ?? Buffer.alloc(0))}`]);
  assert.deepEqual(config.config.Entrypoint, ['/pause']);
  assert.equal(config.config.User, '65535:65535');
  const manifest = JSON.parse(img.manifest.data.toString()) as { config: { digest: string; size: number }; layers: { digest: string }[] };
  assert.equal(manifest.config.digest, img.config.digest);
  assert.equal(manifest.config.size, img.config.data.length);
  assert.equal(manifest.layers[0]?.digest, img.layers[0]?.digest);
});

test('images are reproducible: same inputs, same digests', () => {
  assert.equal(buildImage(pause).manifest.digest, buildImage(pause).manifest.digest);
  const other = buildImage({ ...pause, files: [{ path: '/pause', content: Buffer.from('other'), mode: 0o755 }] });
  assert.notEqual(other.manifest.digest, buildImage(pause).manifest.digest);
});

test('parent directories come before files; paths are relative', () => {
  const entries = planLayerEntries({ files: [{ path: '/usr/local/bin/x', content: Buffer.from('x'), mode: 0o755 }, { path: '/a', content: Buffer.from('a'), mode: 0o644 }] });
  assert.deepEqual(entries.map((e) => e.path), ['usr', 'usr/local', 'usr/local/bin', 'a', 'usr/local/bin/x']);
});

test('file capabilities become the security.capability xattr (vfs_cap_data v2)', () => {
  const cap = fileCapabilities([10]);
  assert.equal(cap.length, 20);
  assert.equal(cap.readUInt32LE(0), 0x02000001);
  assert.equal(cap.readUInt32LE(4), 1 << 10);
  const img = buildImage({ ...pause, files: [{ path: '/coredns', content: Buffer.from('x'), mode: 0o755, xattrs: { 'security.capability': cap } }] });
  const layer = readTar(img.layers[0]?.data ?? Buffer.alloc(0));
  assert.deepEqual(layer.find((e) => e.path === 'coredns')?.xattrs['security.capability'], cap);
});

test('a base root file system is the first layer, under our files', () => {
  const base = writeTar([{ type: 'dir', path: 'etc' }, { type: 'file', path: 'etc/os-release', content: Buffer.from('NAME="openEuler"\n') }]);
  const img = buildImage({ ...pause, baseLayer: base, baseName: 'openeuler-rootfs.tar' });
  assert.equal(img.layers.length, 2);
  assert.equal(img.layers[0]?.data, base);
  const files = readTar(img.layers[0]?.data ?? Buffer.alloc(0));
  assert.equal(files.find((e) => e.path === 'etc/os-release')?.content.toString(), 'NAME="openEuler"\n');
});

test('a two-image archive stores a shared base layer once and reads back valid', () => {
  const base = writeTar([{ type: 'file', path: 'base.txt', content: Buffer.from('shared') }]);
  const a = buildImage({ ...pause, baseLayer: base });
  const b = buildImage({ ...pause, ref: 'example.org/b:1', baseLayer: base, files: [{ path: '/b', content: Buffer.from('b'), mode: 0o755 }] });
  const archive = renderImageArchive([a, b]);
  const names = readTar(archive).map((e) => e.path);
  assert.equal(names.filter((n) => n === `blobs/sha256/${(a.layers[0]?.digest ?? '').slice(7)}`).length, 1);
  for (const required of ['oci-layout', 'index.json', 'manifest.json']) assert.ok(names.includes(required), required);
  const images = readImageArchive(archive);
  assert.deepEqual(images.map((i) => i.ref), ['registry.k8s.io/pause:3.10.2', 'example.org/b:1']);
  assert.equal(images[1]?.layers.length, 2);
  const index = JSON.parse(readTar(archive).find((e) => e.path === 'index.json')?.content.toString() ?? '{}') as { manifests: { annotations: Record<string, string> }[] };
  assert.equal(index.manifests[0]?.annotations['org.opencontainers.image.ref.name'], '3.10.2');
  const docker = JSON.parse(readTar(archive).find((e) => e.path === 'manifest.json')?.content.toString() ?? '[]') as { RepoTags: string[] }[];
  assert.deepEqual(docker.map((d) => d.RepoTags[0]), ['registry.k8s.io/pause:3.10.2', 'example.org/b:1']);
});

test('zstd-compressed archives read back; tampered blobs are refused', () => {
  const archive = renderImageArchive([buildImage(pause)]);
  assert.equal(readImageArchive(compressArchive(archive, 'zstd'))[0]?.ref, pause.ref);
  const tampered = Buffer.from(archive);
  const at = tampered.indexOf(Buffer.from('ELF pause'));
  tampered[at] = 0x41;
  assert.throws(() => readImageArchive(tampered), { code: 'RFO_IMAGE_INVALID' });
});

test('reference tags', () => {
  assert.equal(refTag('registry.k8s.io/coredns/coredns:v1.14.7'), 'v1.14.7');
  assert.equal(refTag('localhost:5000/x'), 'latest');
});
