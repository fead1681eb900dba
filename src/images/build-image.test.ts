import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { blobOf, buildImage } from './build-image.ts';
import { fileCapabilities } from './file-capabilities.ts';
import type { ImageSpec } from './image-spec.ts';
import { readTar } from '../util/tar-reader.ts';
import { writeTar } from '../util/tar-writer.ts';
import { sha256Hex } from '../util/canonical-json.ts';

const pause: ImageSpec = {
  ref: 'registry.k8s.io/pause:3.10.2',
  arch: 'amd64',
  files: [{ path: '/pause', content: Buffer.from('\x7fELF pause'), mode: 0o755 }],
  config: { entrypoint: ['/pause'], user: '65535:65535' },
  created: '1970-01-01T00:00:00Z',
};

interface Config {
  architecture: string;
  os: string;
  created: string;
  config: Record<string, unknown>;
  rootfs: { type: string; diff_ids: string[] };
  history: { created_by: string }[];
}
interface Manifest {
  schemaVersion: number;
  mediaType: string;
  config: { mediaType: string; digest: string; size: number };
  layers: { mediaType: string; digest: string; size: number }[];
}
const json = <T>(b: { data: Buffer }) => JSON.parse(b.data.toString()) as T;

test('digests are consistent: diff_id = sha256(layer tar), the manifest points at the built blobs', () => {
  const img = buildImage(pause);
  const config = json<Config>(img.config);
  const manifest = json<Manifest>(img.manifest);
  assert.equal(img.layers.length, 1);
  const layer = img.layers[0]?.data ?? Buffer.alloc(0);
  assert.deepEqual(config.rootfs, { type: 'layers', diff_ids: [`sha256:${sha256Hex(layer)}`] });
  for (const blob of [img.manifest, img.config, ...img.layers]) assert.equal(blob.digest, `sha256:${sha256Hex(blob.data)}`);
  assert.equal(manifest.schemaVersion, 2);
  assert.equal(manifest.mediaType, 'application/vnd.oci.image.manifest.v1+json');
  assert.deepEqual(manifest.config, { mediaType: 'application/vnd.oci.image.config.v1+json', digest: img.config.digest, size: img.config.data.length });
  assert.deepEqual(manifest.layers, [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: img.layers[0]?.digest, size: layer.length }]);
});

test('the config carries architecture, os and the runtime settings', () => {
  const img = buildImage({
    ...pause,
    arch: 'riscv64',
    config: { entrypoint: ['/coredns'], cmd: ['-conf', '/etc/coredns/Corefile'], user: '65532', env: ['A=1'], workingDir: '/', exposedPorts: ['53/udp', '53/tcp'], labels: { 'org.opencontainers.image.version': 'v1.14.7' } },
  });
  const config = json<Config>(img.config);
  assert.equal(config.architecture, 'riscv64');
  assert.equal(config.os, 'linux');
  assert.equal(config.created, '1970-01-01T00:00:00Z');
  assert.deepEqual(config.config, {
    Cmd: ['-conf', '/etc/coredns/Corefile'],
    Entrypoint: ['/coredns'],
    Env: ['A=1'],
    ExposedPorts: { '53/tcp': {}, '53/udp': {} },
    Labels: { 'org.opencontainers.image.version': 'v1.14.7' },
    User: '65532',
    WorkingDir: '/',
  });
  assert.equal(config.history.length, 1);
  assert.deepEqual(json<Config>(buildImage(pause).config).config.Env, ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin']);
});

test('JSON is canonical: sorted keys, no whitespace', () => {
  const img = buildImage(pause);
  for (const blob of [img.config, img.manifest]) {
    const text = blob.data.toString();
    assert.doesNotMatch(text, /\s(?=(?:[^"]*"[^"]*")*[^"]*$)/);
    const keys = Object.keys(JSON.parse(text) as object);
    assert.deepEqual(keys, [...keys].sort());
  }
});

test('builds are reproducible: twice the same spec, the same digests; any change, a new digest', () => {
  const a = buildImage(pause);
  const b = buildImage({ ...pause, files: [...pause.files] });
  assert.equal(a.manifest.digest, b.manifest.digest);
  assert.equal(sha256Hex(a.layers[0]?.data ?? ''), sha256Hex(b.layers[0]?.data ?? ''));
  const twoFiles = [pause.files[0]!, { path: '/etc/passwd', content: Buffer.from('x'), mode: 0o644 }];
  assert.equal(buildImage({ ...pause, files: twoFiles }).manifest.digest, buildImage({ ...pause, files: [...twoFiles].reverse() }).manifest.digest);
  assert.notEqual(buildImage({ ...pause, files: [{ ...pause.files[0]!, content: Buffer.from('other') }] }).manifest.digest, a.manifest.digest);
  assert.notEqual(buildImage({ ...pause, files: [{ ...pause.files[0]!, mode: 0o700 }] }).manifest.digest, a.manifest.digest);
  assert.notEqual(buildImage({ ...pause, arch: 'arm64' }).manifest.digest, a.manifest.digest);
});

test('the layer has parent directories before files, relative paths, mtime 0 and root ownership', () => {
  const img = buildImage({
    ...pause,
    files: [{ path: '/usr/local/bin/coredns', content: Buffer.from('x'), mode: 0o755 }, { path: '/etc/coredns/Corefile', content: Buffer.from('.:53 {}\n'), mode: 0o644 }],
    symlinks: [{ path: '/usr/bin/coredns', target: '../local/bin/coredns' }],
  });
  const layer = readTar(img.layers[0]?.data ?? Buffer.alloc(0));
  assert.deepEqual(layer.map((e) => e.name), ['etc/', 'etc/coredns/', 'etc/coredns/Corefile', 'usr/', 'usr/bin/', 'usr/bin/coredns', 'usr/local/', 'usr/local/bin/', 'usr/local/bin/coredns']);
  const seen = new Set<string>();
  for (const e of layer) {
    const path = e.name.replace(/\/$/, '');
    const parent = path.split('/').slice(0, -1).join('/');
    assert.ok(parent === '' || seen.has(parent), `${path} before its parent`);
    assert.ok(!e.name.startsWith('/'));
    assert.deepEqual([e.mtime, e.uid, e.gid], [0, 0, 0]);
    seen.add(path);
  }
  assert.equal(layer.find((e) => e.name === 'usr/bin/coredns')?.linkname, '../local/bin/coredns');
});

test('file capabilities travel as the security.capability xattr (vfs_cap_data v2)', () => {
  const cap = fileCapabilities([10]);
  assert.deepEqual([cap.length, cap.readUInt32LE(0), cap.readUInt32LE(4), cap.readUInt32LE(12)], [20, 0x02000001, 1 << 10, 0]);
  assert.equal(fileCapabilities([33]).readUInt32LE(12), 1 << 1);
  const img = buildImage({ ...pause, files: [{ path: '/coredns', content: Buffer.from('x'), mode: 0o755, xattrs: { 'security.capability': cap } }] });
  const layer = readTar(img.layers[0]?.data ?? Buffer.alloc(0));
  assert.deepEqual(layer.find((e) => e.name === 'coredns')?.xattrs['security.capability'], cap);
});

const baseRootfs = writeTar([
  { type: 'dir', path: 'etc' },
  { type: 'file', path: 'etc/os-release', content: Buffer.from('NAME="openEuler"\nVERSION_ID="24.03"\n') },
  { type: 'dir', path: 'usr' },
  { type: 'dir', path: 'usr/bin' },
  { type: 'file', path: 'usr/bin/busybox', content: Buffer.from('busybox'), mode: 0o755 },
  { type: 'symlink', path: 'bin', target: 'usr/bin' },
]);

test('a base root file system tar is the first layer, verbatim and readable, under our files', () => {
  const img = buildImage({ ...pause, baseLayer: baseRootfs, baseName: 'openEuler-24.03-LTS rootfs' });
  assert.equal(img.layers.length, 2);
  assert.ok(img.layers[0]?.data.equals(baseRootfs));
  const base = readTar(img.layers[0]?.data ?? Buffer.alloc(0));
  assert.equal(base.find((e) => e.name === 'etc/os-release')?.content.toString(), 'NAME="openEuler"\nVERSION_ID="24.03"\n');
  assert.deepEqual(readTar(img.layers[1]?.data ?? Buffer.alloc(0)).map((e) => e.name), ['pause']);
  const config = json<Config>(img.config);
  assert.deepEqual(config.rootfs.diff_ids, [`sha256:${sha256Hex(baseRootfs)}`, img.layers[1]?.digest]);
  assert.deepEqual(config.history.map((h) => h.created_by), ['rfo: base root file system openEuler-24.03-LTS rootfs', 'rfo: add /pause']);
});

test('a gzipped base is stored uncompressed, so its diff_id is the digest of the tar', () => {
  const img = buildImage({ ...pause, baseLayer: gzipSync(baseRootfs) });
  assert.equal(img.layers[0]?.digest, blobOf('x', baseRootfs).digest);
});

test('bad inputs are refused with RFO_IMAGE_INVALID', () => {
  const corrupt = Buffer.from(baseRootfs);
  corrupt[20] = 0x7a;
  assert.throws(() => buildImage({ ...pause, baseLayer: corrupt }), { code: 'RFO_IMAGE_INVALID', message: /base layer of registry\.k8s\.io\/pause:3\.10\.2: bad header checksum/ });
  assert.throws(() => buildImage({ ...pause, baseLayer: baseRootfs.subarray(0, 1024) }), { code: 'RFO_IMAGE_INVALID', message: /truncated/ });
  assert.throws(() => buildImage({ ...pause, baseLayer: Buffer.alloc(1024) }), { code: 'RFO_IMAGE_INVALID', message: /empty/ });
  assert.throws(() => buildImage({ ...pause, ref: 'pause:3.10.2' }), { code: 'RFO_IMAGE_INVALID', message: /registry host/ });
  assert.throws(() => buildImage({ ...pause, files: [] }), { code: 'RFO_IMAGE_INVALID', message: /no files/ });
  assert.throws(() => buildImage({ ...pause, created: 'yesterday' }), { code: 'RFO_IMAGE_INVALID', message: /RFC 3339/ });
});
