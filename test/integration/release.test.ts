// `npm run release` output checked with the tools a security team would use:
// cosign (built from its Go module) verifies every signature offline, the
// CycloneDX validator checks the SBOMs, the provenance names the artifacts by
// hash, rpm reads and installs the RPM, and no private key is in dist/.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as CDX from '@cyclonedx/cyclonedx-library';
import { run } from '../../src/util/exec.ts';
import { buildTestRelease, cosignPath } from './helpers/release-dist.ts';
import type { TestRelease } from './helpers/release-dist.ts';
import type { ImageSignature } from '../../src/release/image-signatures.ts';
import { imageRecipes } from '../../src/versions/recipes.ts';

let rel: TestRelease;
let cosign = '';
const vdir = () => rel.result.versionDir;
const arch = 'amd64';

before(async () => {
  rel = await buildTestRelease('/var/tmp/rfo-release-test-');
  cosign = await cosignPath();
});

after(async () => {
  if (rel) await rm(rel.root, { recursive: true, force: true });
});

/** cosign verify-blob with the release key, in a network namespace of its own: offline by construction. */
async function cosignVerify(file: string, sigFile: string): Promise<{ ok: boolean; out: string }> {
  const r = await run({ cmd: 'unshare', args: ['--net', '--', cosign, 'verify-blob', '--insecure-ignore-tlog=true', '--key', join(vdir(), 'rfo-release.pub'), '--signature', sigFile, file] });
  return { ok: r.code === 0 && /Verified OK/.test(r.stdout + r.stderr), out: r.stdout + r.stderr };
}

test('dist holds the tarball, airgap images, RPM, checksums, SBOMs, provenance and channels; the version is vX.Y.Z+rforN', async () => {
  const files = await readdir(vdir());
  const v = rel.result.version;
  assert.match(v, /^v1\.36\.\d+\+rfor\d+$/);
  for (const f of [`rfo.linux-${arch}.tar.gz`, `rfo-images.linux-${arch}.tar.zst`, `rfo-${v}.${arch}.rpm`, `sha256sum-${arch}.txt`, `provenance-${arch}.intoto.json`, 'rfo-release.pub', `vulnerability-report-${arch}.json`, `vulnerability-report-${arch}.json.sig`, `vulnerability-report-${arch}.openvex.json`]) assert.ok(files.includes(f), `${f} in ${files.join(', ')}`);
  const channels = JSON.parse(await readFile(join(rel.dist, 'channels.json'), 'utf8')) as Record<string, string>;
  assert.equal(channels.stable, v);
  assert.equal(channels.latest, v);
  assert.equal(channels['v1.36'], v);
  // The support matrix names this release as the newest 1.36.
  const matrix = await readFile(join(rel.dist, 'support-matrix.md'), 'utf8');
  assert.match(matrix, new RegExp(`^\\| v1\\.36 \\(stable\\) \\|.*\\| ${v.replace(/[.+]/g, '\\$&')} \\|$`, 'm'));
  // every file listed in the checksum file has that sha256
  const sums = (await readFile(join(vdir(), `sha256sum-${arch}.txt`), 'utf8')).trim().split('\n');
  assert.ok(sums.length >= 6);
  for (const line of sums) {
    const [hash, name] = line.split(/\s+\*?/);
    assert.equal(createHash('sha256').update(await readFile(join(vdir(), name ?? ''))).digest('hex'), hash, name);
  }
});

test('cosign verify-blob accepts the signature of every artifact and of the checksum file, and rejects a tampered file', { timeout: 300_000 }, async () => {
  const signed = (await readdir(vdir())).filter((f) => !f.endsWith('.sig') && f !== 'VERSION' && f !== 'conformance');
  assert.ok(signed.length >= 8);
  for (const f of signed) {
    const r = await cosignVerify(join(vdir(), f), join(vdir(), `${f}.sig`));
    assert.ok(r.ok, `${f}: ${r.out}`);
  }
  const tampered = join(rel.root, 'tampered.txt');
  await writeFile(tampered, `${await readFile(join(vdir(), `sha256sum-${arch}.txt`), 'utf8')}0000  evil\n`);
  assert.equal((await cosignVerify(tampered, join(vdir(), `sha256sum-${arch}.txt.sig`))).ok, false);
});

test('the recorded whole-suite conformance run is published with the release, checksummed and signed; a focused run is not', { timeout: 120_000 }, async () => {
  const dir = join(vdir(), 'conformance');
  assert.deepEqual(await readdir(dir), ['full']);
  const files = (await readdir(join(dir, 'full'))).sort();
  assert.deepEqual(files, ['PRODUCT.yaml', 'PRODUCT.yaml.sig', 'SHA256SUMS', 'SHA256SUMS.sig', 'e2e.log', 'e2e.log.sig', 'junit_01.xml', 'junit_01.xml.sig', 'summary.json', 'summary.json.sig']);
  for (const f of files.filter((x) => !x.endsWith('.sig'))) {
    const r = await cosignVerify(join(dir, 'full', f), join(dir, 'full', `${f}.sig`));
    assert.ok(r.ok, `${f}: ${r.out}`);
  }
  for (const line of (await readFile(join(dir, 'full', 'SHA256SUMS'), 'utf8')).trim().split('\n')) {
    const [hash, name] = line.split(/\s+/);
    assert.equal(createHash('sha256').update(await readFile(join(dir, 'full', name ?? ''))).digest('hex'), hash, name);
  }
  assert.equal(await readFile(join(dir, 'full', 'e2e.log'), 'utf8'), 'full e2e.log\n');
});

test('every image digest in the airgap archive has a signature cosign accepts', { timeout: 120_000 }, async () => {
  const sigs = JSON.parse(await readFile(join(vdir(), `rfo-images.linux-${arch}.image-signatures.json`), 'utf8')) as { images: ImageSignature[] };
  assert.deepEqual(sigs.images.map((i) => i.ref).sort(), imageRecipes.map((r) => r.ref).sort());
  assert.ok(sigs.images.some((i) => i.ref.startsWith('docker.io/rfo/klipper-helm:')), 'the HelmChart job image is signed too');
  const dir = join(rel.root, 'image-sigs');
  await mkdir(dir, { recursive: true });
  for (const [i, img] of sigs.images.entries()) {
    const payload = Buffer.from(img.payload, 'base64');
    assert.equal((JSON.parse(payload.toString()) as { critical: { image: { 'docker-manifest-digest': string } } }).critical.image['docker-manifest-digest'], img.digest);
    await writeFile(join(dir, `${i}.payload`), payload);
    await writeFile(join(dir, `${i}.sig`), img.signature);
    const r = await cosignVerify(join(dir, `${i}.payload`), join(dir, `${i}.sig`));
    assert.ok(r.ok, `${img.ref}: ${r.out}`);
  }
});

test('the SBOMs are valid CycloneDX 1.5 and list Go modules, npm packages, the Node runtime and the C source of pause', { timeout: 120_000 }, async () => {
  const validator = new CDX.Validation.JsonStrictValidator(CDX.Spec.Version.v1dot5);
  const sboms = (await readdir(vdir())).filter((f) => f.endsWith('.sbom.cdx.json'));
  assert.equal(sboms.length, 3, sboms.join(', '));
  for (const f of sboms) {
    const text = await readFile(join(vdir(), f), 'utf8');
    assert.equal(await validator.validate(text), null, `${f} is not valid CycloneDX 1.5`);
  }
  const tarSbom = await readFile(join(vdir(), `rfo.linux-${arch}.tar.gz.sbom.cdx.json`), 'utf8');
  for (const purl of ['pkg:golang/k8s.io/kubernetes@v1.36.3', 'pkg:golang/go.etcd.io/etcd/server/v3@v3.6.16', 'pkg:golang/github.com/containerd/containerd/v2@v2.4.2', 'pkg:npm/yaml@']) {
    assert.ok(tarSbom.includes(purl), `tarball SBOM lists ${purl}`);
  }
  assert.match(tarSbom, /pause\.c/);
  assert.match(tarSbom, /"name": "node"/);
  // the validator can fail: a BOM with a broken field is rejected
  const broken = JSON.parse(tarSbom) as { components: { type: string }[] };
  if (broken.components[0]) broken.components[0].type = 'not-a-component-type';
  assert.notEqual(await validator.validate(JSON.stringify(broken)), null);
});

test('the provenance statement (in-toto, SLSA v1) names every artifact by sha256, its inputs and the builder', async () => {
  const p = JSON.parse(await readFile(join(vdir(), `provenance-${arch}.intoto.json`), 'utf8')) as {
    _type: string;
    predicateType: string;
    subject: { name: string; digest: { sha256: string } }[];
    predicate: { buildDefinition: { buildType: string; resolvedDependencies: unknown[] }; runDetails: { builder: { id: string } } };
  };
  assert.equal(p._type, 'https://in-toto.io/Statement/v1');
  assert.equal(p.predicateType, 'https://slsa.dev/provenance/v1');
  for (const s of p.subject) assert.equal(createHash('sha256').update(await readFile(join(vdir(), s.name))).digest('hex'), s.digest.sha256, s.name);
  assert.ok(p.subject.some((s) => s.name.endsWith('.tar.gz')) && p.subject.some((s) => s.name.endsWith('.rpm')));
  assert.ok(p.predicate.buildDefinition.resolvedDependencies.length > 10, 'inputs with hashes');
  assert.ok(p.predicate.runDetails.builder.id.length > 0);
});

test('the vulnerability report covers every Go binary, names the pinned database, and the provenance records both', async () => {
  const report = JSON.parse(await readFile(join(vdir(), `vulnerability-report-${arch}.json`), 'utf8')) as {
    database: { module: string; version: string; sum: string; layoutSha256: string };
    violations: string[];
    artifacts: { name: string; kind: string; precision: string; findings: { reachable: boolean; fixedVersion: string; status: string; decidedBy: string }[] }[];
  };
  const { vulnDatabase } = await import('../../src/versions/table.ts');
  assert.deepEqual([report.database.module, report.database.version, report.database.sum], [vulnDatabase.module, vulnDatabase.version, vulnDatabase.sum]);
  assert.deepEqual(report.violations, [], 'the release gate let nothing through');
  const names = report.artifacts.map((a) => a.name);
  for (const n of ['kubernetes', 'etcd', 'containerd', 'runc', 'flanneld', 'coredns', 'helm', 'crictl']) assert.ok(names.includes(n), `${n} scanned`);
  for (const a of report.artifacts) {
    assert.equal(a.precision, 'symbol', `${a.name} keeps its symbol table`);
    for (const f of a.findings) if (f.reachable && f.fixedVersion) assert.equal(f.decidedBy, 'policy', `${a.name}: a reachable fixable finding must be justified in security/vex.yaml`);
  }
  const vex = JSON.parse(await readFile(join(vdir(), `vulnerability-report-${arch}.openvex.json`), 'utf8')) as { '@context': string; statements: unknown[] };
  assert.equal(vex['@context'], 'https://openvex.dev/ns/v0.2.0');
  const p = JSON.parse(await readFile(join(vdir(), `provenance-${arch}.intoto.json`), 'utf8')) as {
    predicate: { buildDefinition: { internalParameters: { vulnerabilityScan: { database: { version: string; layoutSha256: string }; report: { sha256: string } } }; resolvedDependencies: { uri: string }[] } };
  };
  const scan = p.predicate.buildDefinition.internalParameters.vulnerabilityScan;
  assert.equal(scan.database.version, vulnDatabase.version);
  assert.equal(scan.database.layoutSha256, report.database.layoutSha256);
  assert.equal(scan.report.sha256, createHash('sha256').update(await readFile(join(vdir(), `vulnerability-report-${arch}.json`))).digest('hex'));
  assert.ok(p.predicate.buildDefinition.resolvedDependencies.some((d) => d.uri === `pkg:golang/${vulnDatabase.module}@${vulnDatabase.version}`));
});

test('rpm lists the expected files and installs into a temporary root', { timeout: 300_000 }, async () => {
  const rpmFile = join(vdir(), `rfo-${rel.result.version}.${arch}.rpm`);
  const list = await run({ cmd: 'rpm', args: ['-qpl', rpmFile] });
  assert.equal(list.code, 0, list.stderr);
  for (const f of ['/usr/bin/rfo', '/usr/bin/rfo-killall.sh', '/usr/bin/rfo-uninstall.sh', '/usr/lib/systemd/system/rfo-server.service', '/usr/lib/systemd/system/rfo-agent.service', '/usr/lib/rfo/node']) {
    assert.ok(list.stdout.split('\n').includes(f), `${f} in the RPM`);
  }
  const info = await run({ cmd: 'rpm', args: ['-qpi', rpmFile] });
  assert.match(info.stdout, /Version\s*:\s*1\.36\.3/);
  const scripts = await run({ cmd: 'rpm', args: ['-qp', '--scripts', rpmFile] });
  assert.match(scripts.stdout, /postinstall[\s\S]*systemctl daemon-reload/);
  const root = join(rel.root, 'rpmroot');
  await mkdir(root, { recursive: true });
  const inst = await run({ cmd: 'rpm', args: ['--root', root, '--dbpath', '/var/lib/rpm', '-i', '--nodeps', '--noscripts', rpmFile] });
  assert.equal(inst.code, 0, inst.stderr);
  const version = await run({ cmd: join(root, 'usr', 'bin', 'rfo'), args: ['--version'], env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin' } });
  assert.equal(version.code, 0, version.stderr);
  assert.match(version.stdout, /rfo version v1\.36\.3\+rfor1/);
  const q = await run({ cmd: 'rpm', args: ['--root', root, '--dbpath', '/var/lib/rpm', '-q', 'rfo'] });
  assert.match(q.stdout, /^rfo-1\.36\.3/);
});

test('no private key is in dist/', async () => {
  const walk = async (dir: string): Promise<string[]> => {
    const out: string[] = [];
    for (const e of await readdir(dir, { withFileTypes: true })) out.push(...(e.isDirectory() ? await walk(join(dir, e.name)) : [join(dir, e.name)]));
    return out;
  };
  const key = await readFile(rel.keyFile, 'utf8');
  const keyBody = key.split('\n')[1] ?? 'x';
  for (const f of await walk(rel.dist)) {
    if (f.endsWith('.rpm') || f.endsWith('.tar.gz') || f.endsWith('.zst')) continue;
    const text = await readFile(f, 'utf8');
    assert.ok(!text.includes('PRIVATE KEY') && !text.includes(keyBody), `${f} holds a private key`);
  }
});
