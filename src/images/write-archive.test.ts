import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildImage } from './build-image.ts';
import type { ImageSpec } from './image-spec.ts';
import { buildImageArchive, writeImageArchive } from './write-archive.ts';
import { readImageArchive } from './read-archive.ts';
import { readTar } from '../util/tar-reader.ts';
import { writeTar } from '../util/tar-writer.ts';
import { sha256Hex } from '../util/canonical-json.ts';

const base = writeTar([{ type: 'dir', path: 'etc' }, { type: 'file', path: 'etc/os-release', content: Buffer.from('NAME="openEuler"\n') }]);
const pause: ImageSpec = { ref: 'registry.k8s.io/pause:3.10.2', arch: 'amd64', baseLayer: base, files: [{ path: '/pause', content: Buffer.from('pause'), mode: 0o755 }], config: { entrypoint: ['/pause'] } };
const coredns: ImageSpec = { ref: 'registry.k8s.io/coredns/coredns:v1.14.7', arch: 'amd64', baseLayer: base, files: [{ path: '/coredns', content: Buffer.from('coredns'), mode: 0o755 }], config: { entrypoint: ['/coredns'] } };

const files = (archive: Buffer) => new Map(readTar(archive).map((e) => [e.name, e]));
const text = (archive: Buffer, name: string) => files(archive).get(name)?.content.toString() ?? '';

test('an archive is an OCI layout with a docker manifest.json beside it', () => {
  const img = buildImage(pause);
  const { bytes, images } = buildImageArchive([img]);
  assert.deepEqual(readTar(bytes).map((e) => e.name).slice(0, 5), ['oci-layout', 'index.json', 'manifest.json', 'blobs/', 'blobs/sha256/']);
  assert.equal(text(bytes, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  const index = JSON.parse(text(bytes, 'index.json')) as { schemaVersion: number; mediaType: string; manifests: unknown[] };
  assert.deepEqual(index, {
    manifests: [
      {
        annotations: { 'io.containerd.image.name': 'registry.k8s.io/pause:3.10.2', 'org.opencontainers.image.ref.name': '3.10.2' },
        digest: img.manifest.digest,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        platform: { architecture: 'amd64', os: 'linux' },
        size: img.manifest.data.length,
      },
    ],
    mediaType: 'application/vnd.oci.image.index.v1+json',
    schemaVersion: 2,
  });
  const hex = (d: string) => d.slice('sha256:'.length);
  assert.deepEqual(JSON.parse(text(bytes, 'manifest.json')), [
    { Config: `blobs/sha256/${hex(img.config.digest)}`, Layers: img.layers.map((l) => `blobs/sha256/${hex(l.digest)}`), RepoTags: ['registry.k8s.io/pause:3.10.2'] },
  ]);
  for (const [name, entry] of files(bytes)) if (name.startsWith('blobs/sha256/') && entry.type === 'file') assert.equal(sha256Hex(entry.content), name.slice(13));
  assert.deepEqual(images, [
    {
      ref: img.ref,
      arch: 'amd64',
      manifestDigest: img.manifest.digest,
      configDigest: img.config.digest,
      layers: img.layers.map((l) => ({ digest: l.digest, size: l.data.length })),
      size: img.manifest.data.length + img.config.data.length + img.layers.reduce((n, l) => n + l.data.length, 0),
    },
  ]);
});

test('two images sharing a base layer store it once', () => {
  const a = buildImage(pause);
  const b = buildImage(coredns);
  assert.equal(a.layers[0]?.digest, b.layers[0]?.digest);
  const { bytes } = buildImageArchive([a, b]);
  const blobs = readTar(bytes).filter((e) => e.name.startsWith('blobs/sha256/') && e.type === 'file');
  assert.equal(blobs.filter((e) => e.name.endsWith(a.layers[0]?.digest.slice(7) ?? '-')).length, 1);
  assert.equal(blobs.length, 2 * 3 + 1); // two manifests, two configs, two own layers, one shared base
  const index = JSON.parse(text(bytes, 'index.json')) as { manifests: { annotations: Record<string, string> }[] };
  assert.deepEqual(index.manifests.map((m) => m.annotations['io.containerd.image.name']), [pause.ref, coredns.ref]);
  assert.deepEqual(readImageArchive(bytes).map((i) => [i.ref, i.layers.length]), [[pause.ref, 2], [coredns.ref, 2]]);
});

test('archives are deterministic', () => {
  const one = buildImageArchive([buildImage(pause), buildImage(coredns)]).bytes;
  const two = buildImageArchive([buildImage(pause), buildImage(coredns)]).bytes;
  assert.equal(sha256Hex(one), sha256Hex(two));
});

test('bad input is refused', () => {
  assert.throws(() => buildImageArchive([]), { code: 'RFO_IMAGE_INVALID', message: /no images/ });
  assert.throws(() => buildImageArchive([buildImage(pause), buildImage(pause)]), { code: 'RFO_IMAGE_INVALID', message: /appears twice/ });
  const img = buildImage(pause);
  const forged = { ...img, layers: [{ ...img.layers[0]!, data: Buffer.from('not the layer') }] };
  assert.throws(() => buildImageArchive([forged]), { code: 'RFO_IMAGE_INVALID', message: /does not match its digest/ });
});

test('writeImageArchive writes the file (plain or zstd) and nothing else', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'rfo-archive-'));
  try {
    const images = [buildImage(pause), buildImage(coredns)];
    const plain = await writeImageArchive(join(dir, 'images.tar'), images);
    const zst = await writeImageArchive(join(dir, 'images.tar.zst'), images, 'zstd');
    assert.deepEqual((await readdir(dir)).sort(), ['images.tar', 'images.tar.zst']);
    const plainBytes = await readFile(join(dir, 'images.tar'));
    assert.ok(plainBytes.equals(buildImageArchive(images).bytes));
    assert.equal(plain.sha256, sha256Hex(plainBytes));
    assert.equal(zst.size, (await readFile(join(dir, 'images.tar.zst'))).length);
    assert.deepEqual(readImageArchive(await readFile(join(dir, 'images.tar.zst'))), [...zst.images]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
