// `npm run release`: turns the runtime built from source plus rfo itself into
// the release artifacts under dist/:
//   dist/channels.json, dist/install-rfo.sh (+.sig, release key embedded), dist/rfo-release.pub
//   dist/<version>/rfo.linux-<arch>.tar.gz, rfo-images.linux-<arch>.tar.zst,
//     rfo-<version>.<arch>.rpm, *.sbom.cdx.json, provenance-<arch>.intoto.json,
//     rfo-images.linux-<arch>.image-signatures.json, sha256sum-<arch>.txt,
//     vulnerability-report-<arch>.{json,txt,openvex.json} (npm run scan, which gates the release),
//     a .sig beside each, rfo-release.pub, VERSION,
//     conformance/<run>/ (the whole-suite and CI-subset results of this version,
//     with SHA256SUMS and signatures; conformance-publish.ts)
//   and, once two or more arches are released into the same version,
//     rfo-images.multiarch.tar.zst (an OCI image index per reference; see
//     multiarch-images.ts) with sha256sum-multiarch.txt and its signatures
// One arch per run (--arch, default the host's): another arch's files in
// dist/<version>/ are kept, so `npm run release` then `npm run release --
// --arch arm64` gives both. The tarball and RPM are cached by their inputs
// (runtime key, rfo's own files, the arch's Node, signing key), so a warm
// rebuild only re-signs the small files.

import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join, relative } from 'node:path';
import { buildRuntime } from '../build/build-runtime.ts';
import { goArch } from '../build/plan-build.ts';
import { repoRoot } from '../build/paths.ts';
import type { ToolchainFacts } from '../build/plan-build.ts';
import type { Progress } from '../build/progress.ts';
import { formatElapsed } from '../build/progress.ts';
import type { BinaryRecord, ImageRecord, RuntimeManifest } from '../build/render-manifest.ts';
import { RfoError } from '../errors.ts';
import { run, runChecked } from '../util/exec.ts';
import { components, rfoVersion } from '../versions/table.ts';
import type { Arch, ComponentId } from '../versions/table.ts';
import { nodeBinaryFor } from './node-runtime.ts';
import { multiArchNames, writeMultiArchImages } from './multiarch-images.ts';
import { renderChannels } from './channels.ts';
import { defaultMinor, minorLines } from '../versions/minors.ts';
import { renderSupportMatrix } from '../versions/render-support-matrix.ts';
import { parseGoBuildInfo } from './go-buildinfo.ts';
import { imageSignaturePayload } from './image-signatures.ts';
import type { ImageSignature } from './image-signatures.ts';
import { renderProvenance } from './provenance.ts';
import { cBinaryComponent, chartComponent, debianBinaryComponent, tarballBinaryComponent, debianPackageComponent, debianPurl, goBinaryComponent, imageComponent, nodeRuntimeComponent, npmComponent, renderSbom } from './sbom.ts';
import type { CdxComponent } from './sbom.ts';
import { loadSigningKey, signBlob, signFile } from '../pki/signing.ts';
import { sha256File } from '../util/sha256-file.ts';
import type { SigningKey } from '../pki/signing.ts';
import { productionPackages, stageTree, writeUnits } from './stage-tree.ts';
import { reportFileNames, scanRuntime } from '../scan/scan-runtime.ts';
import { findConformanceResults, planConformancePublish, publishConformanceResults } from './conformance-publish.ts';

export interface ReleaseOptions {
  readonly distDir: string;
  /** The arch to release (default: the host's); cross builds set up their C toolchain themselves. */
  readonly arch?: Arch;
  /**
   * Tests only: release part of the runtime (e.g. the components a cross test
   * built), to exercise the packaging of an arch without its 30-minute
   * Kubernetes build. `npm run release` never sets it.
   */
  readonly only?: readonly ComponentId[];
  readonly cacheDir: string;
  readonly toolchain: ToolchainFacts;
  readonly progress: Progress;
  readonly env?: NodeJS.ProcessEnv;
  /** Where `npm run conformance` wrote its runs (default conformance/results); the release publishes this version's. */
  readonly conformanceResultsDir?: string;
}

export interface ReleaseResult {
  readonly version: string;
  readonly arch: string;
  readonly versionDir: string;
  readonly keyFingerprint: string;
  readonly keyKind: 'release' | 'dev';
  /** artifact file name → bytes */
  readonly sizes: Record<string, number>;
  /** step → milliseconds */
  readonly timings: Record<string, number>;
  readonly totalMs: number;
  readonly cached: boolean;
}

const rpmArch: Record<string, string> = { amd64: 'x86_64', arm64: 'aarch64', riscv64: 'riscv64' };

export const artifactNames = (version: string, arch: string) => ({
  tarball: `rfo.linux-${arch}.tar.gz`,
  images: `rfo-images.linux-${arch}.tar.zst`,
  rpm: `rfo-${version}.${arch}.rpm`,
  checksums: `sha256sum-${arch}.txt`,
  imageSignatures: `rfo-images.linux-${arch}.image-signatures.json`,
  provenance: `provenance-${arch}.intoto.json`,
});

async function git(...args: string[]): Promise<string> {
  const r = await run({ cmd: 'git', args: ['-C', repoRoot, ...args] });
  return r.code === 0 ? r.stdout.trim() : '';
}

/** sha256 over rfo's own shipped files (path + bytes), for the cache key. */
async function hashOwnFiles(): Promise<string> {
  const h = createHash('sha256');
  const walk = async (dir: string): Promise<void> => {
    for (const e of (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = join(dir, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.isFile() && !e.name.endsWith('.test.ts')) h.update(`${relative(repoRoot, p)}\0`).update(await readFile(p)).update('\0');
    }
  };
  for (const d of ['src', 'bin', 'packaging']) await walk(join(repoRoot, d));
  for (const f of ['package.json', 'package-lock.json']) h.update(f).update(await readFile(join(repoRoot, f)));
  return h.digest('hex');
}

async function copyInto(from: string, to: string): Promise<void> {
  await rm(to, { force: true });
  // A copy, not a link: editing dist/ must never reach the caches behind it.
  await copyFile(from, to);
}

async function buildTarball(stage: string, out: string, mtime: number): Promise<void> {
  // Deterministic order, owners and times, so the same inputs give the same bytes.
  const tar = `tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@${mtime} -C '${stage}' -cf - . | gzip -n -6 > '${out}.tmp'`;
  await runChecked({ cmd: 'bash', args: ['-c', `set -o pipefail; ${tar}`], purpose: 'packing the release tarball' });
  await rename(`${out}.tmp`, out);
}

async function buildRpm(stage: string, out: string, version: string, arch: string, work: string, mtime: number): Promise<void> {
  const top = join(work, 'rpmbuild');
  await rm(top, { recursive: true, force: true });
  const target = rpmArch[arch] ?? arch;
  await runChecked({
    cmd: 'rpmbuild',
    args: ['-bb', '--quiet', '--target', target, '--define', `_topdir ${top}`, '--define', `rfo_version ${version.replace(/^v/, '')}`, '--define', `rfo_tree ${stage}`, join(repoRoot, 'packaging', 'rpm', 'rfo.spec')],
    env: { ...process.env, SOURCE_DATE_EPOCH: String(mtime) },
    purpose: 'building the RPM (rpmbuild; Debian: apt-get install rpm)',
  });
  const dir = join(top, 'RPMS', target);
  const built = (await readdir(dir)).find((f) => f.endsWith('.rpm'));
  if (!built) throw new RfoError('RFO_BUILD_FAILED', `rpmbuild wrote no RPM under ${dir}`);
  await rename(join(dir, built), out);
  await rm(top, { recursive: true, force: true });
}

function sbomComponents(manifest: RuntimeManifest, buildInfo: Map<string, string>): Map<string, CdxComponent> {
  const byName = new Map<string, CdxComponent>();
  for (const a of manifest.artifacts) {
    if (a.kind !== 'binary') continue;
    const b: BinaryRecord = a;
    if (b.source.type === 'go-module') {
      const text = buildInfo.get(b.name);
      if (!text) throw new RfoError('RFO_BUILD_FAILED', `no Go build info for ${b.name}`);
      byName.set(b.name, goBinaryComponent(b.name, b.sha256, parseGoBuildInfo(text), b.version));
    } else if (b.source.type === 'debian-package') {
      byName.set(b.name, debianBinaryComponent(b.name, b.version, b.sha256, b.source));
    } else if (b.source.type === 'source-tarball') {
      byName.set(b.name, tarballBinaryComponent(b.name, b.version, b.sha256, { url: b.source.url, sha256: b.source.sha256, compiler: b.compiler ?? 'unknown' }));
    } else {
      const c = b.source;
      byName.set(b.name, cBinaryComponent(b.name, b.version, b.sha256, { file: c.file, fileSha256: c.fileSha256, module: c.module, moduleVersion: c.version, moduleSum: c.sum, compiler: b.compiler ?? 'unknown' }));
    }
  }
  return byName;
}

async function signInto(key: SigningKey, path: string): Promise<void> {
  await writeFile(`${path}.sig`, `${await signFile(key, path)}\n`);
}

export async function buildRelease(o: ReleaseOptions): Promise<ReleaseResult> {
  const t0 = Date.now();
  const env = o.env ?? process.env;
  const timings: Record<string, number> = {};
  const timed = async <T>(step: string, fn: () => Promise<T>): Promise<T> => {
    const s = Date.now();
    const r = await o.progress.during('release', step, fn);
    timings[step] = Date.now() - s;
    o.progress.step('release', 'done', `${step} (${formatElapsed(timings[step] ?? 0)})`);
    return r;
  };

  // rfo runs on the Node it ships: that arch's binary of the pinned version
  // (first, so an arch without one is refused before anything is built).
  const node = await nodeBinaryFor(o.arch ?? goArch(process.arch), o.cacheDir);
  const runtime = await timed('runtime', () => buildRuntime({ ...(o.arch ? { arch: o.arch } : {}), ...(o.only ? { only: o.only } : {}), cacheDir: o.cacheDir, toolchain: o.toolchain, progress: o.progress }));
  const manifest = runtime.manifest;
  const runtimeDir = runtime.plan.runtimeDir;
  const version = rfoVersion();
  const arch = manifest.arch;
  const names = artifactNames(version, arch);
  const key = await loadSigningKey(env);
  o.progress.info(`signing with the ${key.kind} key ${key.fingerprint} (${key.kind === 'dev' ? key.source : 'RFO_SIGNING_KEY'})`);

  const commit = (await git('rev-parse', 'HEAD')) || 'unknown';
  const dirty = (await git('status', '--porcelain', '--', 'src', 'bin', 'packaging', 'scripts', 'security', 'package.json', 'package-lock.json')) !== '';
  const mtime = Number((await git('log', '-1', '--format=%ct')) || '0');
  const buildInfo = { version, commit: commit.slice(0, 12) + (dirty ? '-dirty' : ''), node: process.version };
  const timestamp = new Date(mtime * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');

  // The vulnerability scan gates the release: nothing ships with a reachable,
  // fixable vulnerability that security/vex.yaml does not justify.
  const scanDir = join(o.cacheDir, 'release-scan', manifest.key);
  const scan = await timed('vulnerability scan', () => scanRuntime({ runtimeDir, cacheDir: o.cacheDir, outDir: scanDir, toolchain: o.toolchain, progress: o.progress, tools: false, timestamp, signingKey: key }));
  if (scan.result.violations.length > 0) {
    throw new RfoError('RFO_VULNERABLE', `the runtime has ${scan.result.violations.length} reachable vulnerabilities with a fix that security/vex.yaml does not justify:\n  ${scan.result.violations.join('\n  ')}`, {
      hint: 'bump each as its line says, or justify it in security/vex.yaml after review; npm run scan shows the full report',
    });
  }
  const reportNames = reportFileNames(arch);
  const reportSha256 = await sha256File(scan.reportPath);

  // Tarball and RPM, cached by everything that goes into them.
  const releaseKey = createHash('sha256').update(JSON.stringify({ runtime: manifest.key, own: await hashOwnFiles(), node: node.sha256, key: key.fingerprint, buildInfo, mtime, vulnReport: reportSha256 })).digest('hex').slice(0, 24);
  const cache = join(o.cacheDir, 'release', releaseKey);
  const cached = existsSync(join(cache, 'done'));
  if (!cached) {
    await rm(cache, { recursive: true, force: true });
    await mkdir(cache, { recursive: true });
    const manifestSignature = await signFile(key, join(runtimeDir, 'manifest.json'));
    const stage = join(cache, 'stage');
    const vulnReport = [reportNames.report, reportNames.table].map((f) => join(scanDir, f));
    await timed('stage /usr/local tree', () => stageTree({ out: stage, prefix: '/usr/local', runtimeDir, arch, nodeBinary: node.path, buildInfo, publicKeyPem: key.publicKeyPem, manifestSignature, vulnReport }));
    await timed('tarball', () => buildTarball(stage, join(cache, names.tarball), mtime));
    await timed('units for /usr', () => writeUnits(stage, '/usr'));
    await timed('rpm', () => buildRpm(stage, join(cache, names.rpm), version, arch, cache, mtime));
    await rm(stage, { recursive: true, force: true });
    await writeFile(join(cache, 'done'), `${new Date().toISOString()}\n`);
  } else {
    o.progress.step('release', 'cached', `tarball and RPM ${releaseKey}`);
  }

  const vdir = join(o.distDir, version);
  await mkdir(vdir, { recursive: true });
  // This arch's files are written afresh; the other arches' stay. The
  // multi-arch archive is remade below from whatever arches are here.
  const ownFile = (f: string) => f.includes(`-${arch}.`) || f.includes(`.${arch}.`) || f.includes(`linux-${arch}.`) || f.includes(`-${arch}-`);
  for (const f of await readdir(vdir)) {
    if (ownFile(f) || f.startsWith('rfo-images.multiarch.') || f.startsWith(multiArchNames.checksums)) await rm(join(vdir, f), { force: true });
  }
  await copyInto(join(cache, names.tarball), join(vdir, names.tarball));
  await copyInto(join(cache, names.rpm), join(vdir, names.rpm));
  const archive = manifest.artifacts.find((a) => a.kind === 'archive');
  if (!archive) throw new RfoError('RFO_RUNTIME_MISSING', `the runtime ${runtimeDir} has no airgap archive`);
  await copyInto(join(runtimeDir, archive.path), join(vdir, names.images));
  // The scan's report, table and OpenVEX document (signed below with the rest).
  for (const f of Object.values(reportNames)) await copyInto(join(scanDir, f), join(vdir, f));

  // Signatures for every image digest in the airgap archive (cosign's simple-signing payload).
  const images = manifest.artifacts.filter((a): a is ImageRecord => a.kind === 'image');
  const imageSigs = images.map((img): ImageSignature => {
    const payload = imageSignaturePayload(img.name, img.digest);
    return { ref: img.name, digest: img.digest, payload: Buffer.from(payload).toString('base64'), signature: signBlob(key, payload) };
  });
  await writeFile(join(vdir, names.imageSignatures), `${JSON.stringify({ keyFingerprint: key.fingerprint, images: imageSigs }, null, 2)}\n`);

  // SBOMs from the binaries' own build info.
  const sbomStarted = Date.now();
  const goInfo = new Map<string, string>();
  for (const a of manifest.artifacts) {
    if (a.kind === 'binary' && a.source.type === 'go-module') {
      goInfo.set(a.name, (await runChecked({ cmd: 'go', args: ['version', '-m', join(runtimeDir, a.path)], purpose: `reading the Go build info of ${a.name}` })).stdout);
    }
  }
  const binaries = sbomComponents(manifest, goInfo);
  const nodeSha256 = node.sha256;
  const rfoComponents: CdxComponent[] = [
    nodeRuntimeComponent(node.version, nodeSha256),
    ...(await productionPackages()).map((p) => npmComponent(p.name, p.version, p.license)),
    ...binaries.values(),
    // The packaged charts; the Gateway API CRD chart nests the module its files come from.
    ...manifest.artifacts.filter((a) => a.kind === 'chart').map((c) => chartComponent(c)),
  ];
  const sha = new Map<string, string>();
  for (const f of [names.tarball, names.rpm, names.images]) sha.set(f, await sha256File(join(vdir, f)));
  const writeSbom = async (artifact: string, type: CdxComponent['type'], components: CdxComponent[]) => {
    const bom = renderSbom({ subject: { name: artifact, version, type, sha256: sha.get(artifact) }, timestamp, rfoVersion: version, components });
    await writeFile(join(vdir, `${artifact}.sbom.cdx.json`), `${JSON.stringify(bom, null, 2)}\n`);
  };
  await writeSbom(names.tarball, 'file', rfoComponents);
  await writeSbom(names.rpm, 'file', rfoComponents);
  await writeSbom(
    names.images,
    'file',
    images.map((img) =>
      imageComponent(img.name, img.digest, [
        ...img.contents.map((c) => binaries.get(c)).filter((c): c is CdxComponent => c !== undefined),
        ...(img.debianPackages ?? []).map((d) => debianPackageComponent(d)),
      ]),
    ),
  );
  timings.sbom = Date.now() - sbomStarted;

  // Provenance: what went in (every module and C file), what came out.
  const deps = new Map<string, Record<string, string>>();
  for (const a of manifest.artifacts) {
    if (a.kind !== 'binary') continue;
    if (a.source.type === 'go-module') {
      for (const d of parseGoBuildInfo(goInfo.get(a.name) ?? '').deps) if (d.sum) deps.set(`pkg:golang/${d.path}@${d.version}`, { goModuleH1: d.sum });
      deps.set(`pkg:golang/${a.source.module}@${a.source.version}`, { goModuleH1: a.source.sum });
    } else if (a.source.type === 'debian-package') {
      deps.set(debianPurl(a.source), { sha256: a.source.debSha256 });
    } else if (a.source.type === 'source-tarball') {
      deps.set(`pkg:generic/${a.component}@${a.version}?download_url=${encodeURIComponent(a.source.url)}`, { sha256: a.source.sha256 });
    } else {
      deps.set(`pkg:golang/${a.source.module}@${a.source.version}#${a.source.file}`, { sha256: a.source.fileSha256, goModuleH1: a.source.sum });
    }
  }
  for (const a of manifest.artifacts) {
    if (a.kind === 'chart' && a.source) deps.set(`pkg:golang/${a.source.module}@${a.source.version}`, { goModuleH1: a.source.sum });
  }
    deps.set(`pkg:generic/nodejs@v${node.version}`, { sha256: nodeSha256 });
  // The vulnerability database the release was checked against: its module zip and the v1 layout made from it.
  deps.set(`pkg:golang/${scan.database.module}@${scan.database.version}`, { goModuleH1: scan.database.sum, sha256: scan.database.layoutSha256 });
  const provenance = renderProvenance({
    subjects: [names.tarball, names.images, names.rpm].map((n) => ({ name: n, sha256: sha.get(n) ?? '' })),
    version,
    arch,
    commit,
    dirty,
    runtimeKey: manifest.key,
    toolchain: { go: manifest.toolchain.go, cc: manifest.toolchain.cc, ...(manifest.toolchain.libseccomp ? { libseccomp: manifest.toolchain.libseccomp } : {}), node: `v${node.version} (${node.source})` },
    vulnerabilityScan: {
      scanner: `govulncheck ${components.govulncheck.version}`,
      database: { module: scan.database.module, version: scan.database.version, goModuleH1: scan.database.sum, layoutSha256: scan.database.layoutSha256 },
      report: { name: reportNames.report, sha256: reportSha256 },
      policySha256: await sha256File(join(repoRoot, 'security', 'vex.yaml')),
    },
    dependencies: [...deps.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([uri, digest]) => ({ uri, digest })),
    builderId: `https://rfo.dev/builders/local/${hostname()}`,
    startedOn: new Date(t0).toISOString(),
    finishedOn: new Date().toISOString(),
  });
  await writeFile(join(vdir, names.provenance), `${JSON.stringify(provenance, null, 2)}\n`);
  await writeFile(join(vdir, 'rfo-release.pub'), key.publicKeyPem);
  await writeFile(join(vdir, 'VERSION'), `${version}\n`);

  // Checksums over this arch's artifacts (and the key), then a signature for each file and the checksum file.
  const files = (await readdir(vdir)).filter((f) => (ownFile(f) || f === 'rfo-release.pub') && f !== names.checksums && !f.endsWith('.sig')).sort();
  const lines: string[] = [];
  for (const f of files) lines.push(`${sha.get(f) ?? (await sha256File(join(vdir, f)))}  ${f}`);
  await writeFile(join(vdir, names.checksums), `${lines.join('\n')}\n`);
  await timed('sign', async () => {
    for (const f of [...files, names.checksums]) await signInto(key, join(vdir, f));
  });

  // The conformance runs of this version on record, signed like the artifacts.
  const resultsRoot = o.conformanceResultsDir ?? join(repoRoot, 'conformance', 'results');
  const conformance = planConformancePublish(version, await findConformanceResults(resultsRoot, version));
  await publishConformanceResults({ resultsRoot, version, versionDir: vdir, plan: conformance, sign: (path) => signInto(key, path) });
  for (const p of conformance.publish) o.progress.info(`conformance results published: ${p.line}`);
  for (const s of conformance.skipped) o.progress.info(`conformance results ${s.name} not published: ${s.reason}`);
  if (conformance.warning) o.progress.info(`WARNING: ${conformance.warning}`);

  // One reference for every arch released into this version so far.
  const multi = await timed('multi-arch images', () => writeMultiArchImages(vdir));
  if (multi) {
    const sigs = multi.images.map((img): ImageSignature => {
      const payload = imageSignaturePayload(img.ref, img.index.digest);
      return { ref: img.ref, digest: img.index.digest, payload: Buffer.from(payload).toString('base64'), signature: signBlob(key, payload) };
    });
    await writeFile(join(vdir, multiArchNames.imageSignatures), `${JSON.stringify({ keyFingerprint: key.fingerprint, arches: multi.arches, images: sigs }, null, 2)}\n`);
    const multiFiles = [multiArchNames.images, multiArchNames.imageSignatures];
    const multiLines: string[] = [];
    for (const f of multiFiles) multiLines.push(`${await sha256File(join(vdir, f))}  ${f}`);
    await writeFile(join(vdir, multiArchNames.checksums), `${multiLines.join('\n')}\n`);
    for (const f of [...multiFiles, multiArchNames.checksums]) await signInto(key, join(vdir, f));
  }

  // Top level: channels, the installer with the public key inside, the key itself.
  // Every version the tree holds (a release per minor adds its own beside the others).
  const inTree = (await readdir(o.distDir, { withFileTypes: true })).filter((e) => e.isDirectory() && /^v\d+\.\d+\.\d+\+rfor\d+$/.test(e.name)).map((e) => e.name);
  await writeFile(join(o.distDir, 'channels.json'), renderChannels(inTree, defaultMinor));
  await writeFile(join(o.distDir, 'support-matrix.md'), renderSupportMatrix(minorLines, inTree));
  const installer = (await readFile(join(repoRoot, 'scripts', 'install-rfo.sh'), 'utf8')).replace('@RFO_PUBLIC_KEY@', key.publicKeyPem.trim());
  await writeFile(join(o.distDir, 'install-rfo.sh'), installer, { mode: 0o755 });
  await signInto(key, join(o.distDir, 'install-rfo.sh'));
  await writeFile(join(o.distDir, 'rfo-release.pub'), key.publicKeyPem);

  const sizes: Record<string, number> = {};
  for (const f of [names.tarball, names.images, names.rpm]) sizes[f] = (await stat(join(vdir, f))).size;
  const totalMs = Date.now() - t0;
  return { version, arch, versionDir: vdir, keyFingerprint: key.fingerprint, keyKind: key.kind, sizes, timings, totalMs, cached };
}
