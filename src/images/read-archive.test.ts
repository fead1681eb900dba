import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { buildImage } from './build-image.ts';
import type { ImageSpec } from './image-spec.ts';
import { buildImageArchive } from './write-archive.ts';
import { readImageArchive } from './read-archive.ts';
import { compressArchive } from '../util/tar-compression.ts';
import { readTar } from '../util/tar-reader.ts';
import { writeTar } from '../util/tar-writer.ts';
import type { TarEntry } from '../util/tar-writer.ts';
import { canonicalJson, sha256Hex } from '../util/canonical-json.ts';

const base = writeTar([{ type: 'file', path: 'etc/os-release', content: Buffer.from('NAME="openEuler"\n') }]);
const specs: ImageSpec[] = [
  { ref: 'registry.k8s.io/pause:3.10.2', arch: 'arm64', baseLayer: base, files: [{ path: '/pause', content: Buffer.from('pause'), mode: 0o755 }], config: {} },
  { ref: 'registry.k8s.io/coredns/coredns:v1.14.7', arch: 'arm64', baseLayer: base, files: [{ path: '/coredns', content: Buffer.from('coredns'), mode: 0o755 }], config: {} },
];
const built = specs.map(buildImage);
const good = buildImageArchive(built);

/** Rebuild the archive with its files edited (name → content; undefined removes). */
function edited(edit: (files: Map<string, Buffer>) => void): Buffer {
  const files = new Map(readTar(good.bytes).filter((e) => e.type === 'file').map((e) => [e.name, Buffer.from(e.content)]));
  edit(files);
  return writeTar([...files].map(([path, content]): TarEntry => ({ type: 'file', path, content })));
}
const jsonOf = (files: Map<string, Buffer>, name: string) => JSON.parse(files.get(name)?.toString() ?? 'null') as Record<string, unknown>;
const blobName = (digest: string) => `blobs/sha256/${digest.slice(7)}`;
/** Replace a blob's JSON and keep its name honest (so only the intended check can fail). */
function replaceBlob(files: Map<string, Buffer>, oldDigest: string, value: unknown): string {
  const data = Buffer.from(canonicalJson(value));
  const digest = `sha256:${sha256Hex(data)}`;
  files.delete(blobName(oldDigest));
  files.set(blobName(digest), data);
  return digest;
}

test('a valid archive reads back as the images it holds, plain or compressed', () => {
  for (const bytes of [good.bytes, compressArchive(good.bytes, 'zstd'), gzipSync(good.bytes)]) assert.deepEqual(readImageArchive(bytes), good.images);
  assert.deepEqual(readImageArchive(good.bytes).map((i) => [i.ref, i.arch]), [[specs[0]?.ref, 'arm64'], [specs[1]?.ref, 'arm64']]);
});

test('every kind of damage is refused with RFO_IMAGE_INVALID naming the problem', () => {
  const img = built[0]!;
  const cases: [string, Buffer, RegExp][] = [
    ['tampered blob', edited((f) => f.set(blobName(img.layers[1]!.digest), Buffer.from('evil'))), /blob blobs\/sha256\/[0-9a-f]{64} does not match its digest/],
    ['missing layer', edited((f) => f.delete(blobName(img.layers[1]!.digest))), /layer 1 of registry\.k8s\.io\/pause:3\.10\.2 sha256:[0-9a-f]{64} is missing/],
    ['missing config', edited((f) => f.delete(blobName(img.config.digest))), /config of registry\.k8s\.io\/pause:3\.10\.2 .* is missing/],
    ['missing manifest', edited((f) => f.delete(blobName(img.manifest.digest))), /manifest of registry\.k8s\.io\/pause:3\.10\.2 .* is missing/],
    ['missing oci-layout', edited((f) => f.delete('oci-layout')), /oci-layout is missing/],
    ['wrong layout version', edited((f) => f.set('oci-layout', Buffer.from('{"imageLayoutVersion":"2.0.0"}'))), /imageLayoutVersion 1\.0\.0/],
    ['missing index.json', edited((f) => f.delete('index.json')), /index\.json is missing/],
    ['index.json not JSON', edited((f) => f.set('index.json', Buffer.from('{'))), /index\.json is not valid JSON/],
    ['missing manifest.json', edited((f) => f.delete('manifest.json')), /manifest\.json is missing/],
    [
      'no reference',
      edited((f) => {
        const index = jsonOf(f, 'index.json') as { manifests: { annotations?: unknown }[] };
        delete index.manifests[0]?.annotations;
        f.set('index.json', Buffer.from(JSON.stringify(index)));
      }),
      /has no io\.containerd\.image\.name annotation/,
    ],
    [
      'descriptor size lies',
      edited((f) => {
        const index = jsonOf(f, 'index.json') as { manifests: { size: number }[] };
        index.manifests[0]!.size += 1;
        f.set('index.json', Buffer.from(JSON.stringify(index)));
      }),
      /manifest of registry\.k8s\.io\/pause:3\.10\.2 .* the descriptor says/,
    ],
    [
      'diff_id mismatch',
      edited((f) => {
        const config = jsonOf(f, blobName(img.config.digest)) as { rootfs: { diff_ids: string[] } };
        config.rootfs.diff_ids[0] = `sha256:${'0'.repeat(64)}`;
        const configDigest = replaceBlob(f, img.config.digest, config);
        const manifest = jsonOf(f, blobName(img.manifest.digest)) as { config: { digest: string; size: number } };
        manifest.config = { ...manifest.config, digest: configDigest, size: f.get(blobName(configDigest))!.length };
        const manifestDigest = replaceBlob(f, img.manifest.digest, manifest);
        const index = jsonOf(f, 'index.json') as { manifests: { digest: string; size: number }[] };
        index.manifests[0] = { ...index.manifests[0]!, digest: manifestDigest, size: f.get(blobName(manifestDigest))!.length };
        f.set('index.json', Buffer.from(JSON.stringify(index)));
      }),
      /layer 0 of registry\.k8s\.io\/pause:3\.10\.2: diff_id .* differs from the layer digest/,
    ],
    [
      'docker manifest disagrees',
      edited((f) => {
        const docker = jsonOf(f, 'manifest.json') as unknown as { Layers: string[] }[];
        docker[1]!.Layers.reverse();
        f.set('manifest.json', Buffer.from(JSON.stringify(docker)));
      }),
      /manifest\.json: the layers of registry\.k8s\.io\/coredns\/coredns:v1\.14\.7 differ/,
    ],
    ['truncated archive', good.bytes.subarray(0, good.bytes.length - 2048), /truncated/],
    ['not an archive', Buffer.from('hello'), /empty, or not a tar archive/],
  ];
  for (const [what, bytes, message] of cases) assert.throws(() => readImageArchive(bytes), { code: 'RFO_IMAGE_INVALID', message }, what);
});
