// The imperative shell of `npm run scan` (and the release's scan step):
// govulncheck (built from source as a tool) in binary mode against the
// offline database, over every Go binary of the runtime, every Go binary
// inside its images, and the tools; then the policy (security/vex.yaml)
// decides, and the outputs are written and signed:
//   <out>/<artifact>.vulns.json, .vulns.txt, .openvex.json   per artifact
//   <out>/vulnerability-report-<arch>.json, .txt, .openvex.json, each with a .sig

import { spawn } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { buildTools } from '../build/build-tools.ts';
import { repoRoot } from '../build/paths.ts';
import type { ToolchainFacts } from '../build/plan-build.ts';
import type { Progress } from '../build/progress.ts';
import type { BinaryRecord, ImageRecord, RuntimeManifest } from '../build/render-manifest.ts';
import { RfoError } from '../errors.ts';
import { loadSigningKey, signFile } from '../pki/signing.ts';
import type { SigningKey } from '../pki/signing.ts';
import { sha256Hex } from '../util/canonical-json.ts';
import { run, tail } from '../util/exec.ts';
import { iterateTar } from '../util/tar-reader.ts';
import { readImageArchive } from '../images/read-archive.ts';
import { blobPath } from '../images/media-types.ts';
import { components } from '../versions/table.ts';
import type { ComponentId } from '../versions/table.ts';
import { hasSymbolTable, isElf, isGoBinary } from './parse-elf.ts';
import { parseGovulncheck } from './parse-govulncheck.ts';
import { parsePolicy } from './parse-vex-policy.ts';
import { renderArtifactReport, renderArtifactTable, renderOpenVex, renderReport, renderTable, reportFileNames } from './render-vuln-report.ts';
import type { ImageContents, ReportInput } from './render-vuln-report.ts';
import { resolvePolicy } from './resolve-policy.ts';
import type { PolicyResult, ScannedArtifact } from './resolve-policy.ts';
import { ensureVulnDb } from './vulndb.ts';
import type { VulnDbInfo } from './vulndb.ts';

export const defaultPolicyPath = join(repoRoot, 'security', 'vex.yaml');

export interface ScanOptions {
  readonly runtimeDir: string;
  readonly cacheDir: string;
  readonly outDir: string;
  readonly toolchain: ToolchainFacts;
  readonly progress: Progress;
  readonly policyPath?: string;
  /** Also scan the tools (cosign, versitygw, govulncheck); default true. */
  readonly tools?: boolean;
  /** RFC 3339 for the documents; default now. */
  readonly timestamp?: string;
  /** YYYY-MM-DD the policy's expiry dates are compared with; default today (UTC). */
  readonly today?: string;
  readonly signingKey?: SigningKey;
  readonly env?: NodeJS.ProcessEnv;
}

export interface ScanResult {
  readonly result: PolicyResult;
  readonly database: VulnDbInfo;
  readonly reportPath: string;
  readonly tablePath: string;
  readonly vexPath: string;
  readonly table: string;
  readonly scanSeconds: number;
  readonly artifacts: number;
}

export { reportFileNames } from './render-vuln-report.ts';

/** govulncheck writes megabytes of JSON for a large binary: straight to a file, not through a pipe buffer. */
async function govulncheck(bin: string, dbUrl: string, target: string, outFile: string): Promise<string> {
  const out = createWriteStream(outFile);
  await new Promise<void>((resolve) => out.on('open', () => resolve()));
  const stderr: Buffer[] = [];
  const code = await new Promise<number>((resolve, reject) => {
    const child = spawn(bin, ['-db', dbUrl, '-mode', 'binary', '-format', 'json', target], { stdio: ['ignore', out, 'pipe'], env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? tmpdir() } });
    child.stderr.on('data', (d: Buffer) => stderr.push(d));
    child.on('error', reject);
    child.on('close', (c) => resolve(c ?? 1));
  });
  out.close();
  if (code !== 0) {
    throw new RfoError('RFO_SCAN_FAILED', `govulncheck failed on ${target} (exit ${code}): ${tail(Buffer.concat(stderr).toString(), 10)}`, {
      hint: 'the binary must be a Go executable; run the same govulncheck command by hand to see more',
    });
  }
  return readFile(outFile, 'utf8');
}

function mainModules(component: string): string[] {
  return component in components ? [...components[component as ComponentId].modules] : [];
}

async function scanBinary(
  ctx: { govulncheck: string; dbUrl: string; work: string },
  file: string,
  meta: Omit<ScannedArtifact, 'findings' | 'goVersion' | 'precision' | 'sha256' | 'mainModules'>,
): Promise<ScannedArtifact> {
  const bytes = await readFile(file);
  const out = join(ctx.work, `${sha256Hex(meta.name).slice(0, 16)}.json`);
  const parsed = parseGovulncheck(await govulncheck(ctx.govulncheck, ctx.dbUrl, file, out));
  return {
    ...meta,
    mainModules: mainModules(meta.component),
    sha256: sha256Hex(bytes),
    goVersion: parsed.goVersion,
    precision: hasSymbolTable(bytes) ? 'symbol' : 'module',
    findings: parsed.findings,
  };
}

const rpmDbDirs = ['var/lib/rpm/', 'usr/lib/sysimage/rpm/'];

/** The base's package list from its RPM database, read with rpm --dbpath on a copy. */
async function rpmPackages(files: Map<string, Buffer>, work: string): Promise<{ source: string; packages: string[] }> {
  const dir = rpmDbDirs.find((d) => [...files.keys()].some((k) => k.startsWith(d) && k.length > d.length));
  if (!dir) return { source: `no RPM database in the base root file system (looked in /${rpmDbDirs.join(', /')})`, packages: [] };
  const copy = await mkdtemp(join(work, 'rpmdb-'));
  for (const [name, content] of files) {
    if (!name.startsWith(dir)) continue;
    await mkdir(dirname(join(copy, name)), { recursive: true });
    await writeFile(join(copy, name), content);
  }
  try {
    const r = await run({ cmd: 'rpm', args: ['--dbpath', join(copy, dir), '-qa', '--qf', '%{NAME}-%{VERSION}-%{RELEASE}.%{ARCH}\\n'], purpose: 'reading the base image RPM database' });
    if (r.code !== 0) return { source: `/${dir} (RPM database; rpm could not read it: ${tail(r.stderr, 2)})`, packages: [] };
    return { source: `/${dir} (RPM database)`, packages: r.stdout.split('\n').filter(Boolean).sort() };
  } catch (err) {
    if (err instanceof RfoError && err.code === 'RFO_TOOL_MISSING') return { source: `/${dir} (RPM database; install rpm to list its packages)`, packages: [] };
    throw err;
  }
}

/** Every executable inside an image archive; Go ones not already scanned are scanned here. */
async function scanImage(
  ctx: { govulncheck: string; dbUrl: string; work: string },
  record: ImageRecord,
  runtimeDir: string,
  known: Map<string, ScannedArtifact>,
): Promise<{ contents: ImageContents; extra: ScannedArtifact[] }> {
  const archive = await readFile(join(runtimeDir, record.path));
  const [image] = readImageArchive(archive); // validates digests before we trust any content
  if (!image) throw new RfoError('RFO_IMAGE_INVALID', `${record.path} holds no image`);
  const blobs = new Map<string, Buffer>();
  for (const e of iterateTar(archive, record.path)) if (e.type === 'file') blobs.set(e.name.replace(/^(\.\/)+/, ''), e.content);
  const onBase = record.base !== 'scratch';
  const binaries: ImageContents['binaries'][number][] = [];
  const otherExecutables: string[] = [];
  const extra: ScannedArtifact[] = [];
  let osPackages: ImageContents['osPackages'];
  for (const [i, layer] of image.layers.entries()) {
    const data = blobs.get(blobPath(layer.digest));
    if (!data) continue;
    const files = new Map<string, Buffer>();
    for (const e of iterateTar(data, `layer ${i} of ${record.name}`)) if (e.type === 'file') files.set(e.name.replace(/^(\.\/)+/, ''), e.content);
    for (const [name, content] of files) {
      if (!isElf(content)) continue;
      const path = `/${name}`;
      const sha256 = sha256Hex(content);
      const same = known.get(sha256);
      if (same) binaries.push({ path, artifact: same.name, sha256 });
      else if (isGoBinary(content)) {
        const tmp = join(ctx.work, `img-${sha256.slice(0, 16)}`);
        await writeFile(tmp, content, { mode: 0o755 });
        const name2 = `${record.name}:${path}`;
        const a = await scanBinary(ctx, tmp, { name: name2, kind: 'image-binary', component: onBase && i === 0 ? '' : record.component, version: record.version });
        known.set(sha256, a);
        extra.push(a);
        binaries.push({ path, artifact: name2, sha256 });
      } else otherExecutables.push(path);
    }
    if (onBase && i === 0) osPackages = { covered: false, ...(await rpmPackages(files, ctx.work)) };
  }
  return {
    contents: { ref: record.name, path: record.path, base: record.base, binaries, otherExecutables: otherExecutables.sort(), ...(osPackages ? { osPackages } : {}) },
    extra,
  };
}

function fileStem(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '_');
}

export async function scanRuntime(o: ScanOptions): Promise<ScanResult> {
  const started = Date.now();
  const manifest = JSON.parse(await readFile(join(o.runtimeDir, 'manifest.json'), 'utf8')) as RuntimeManifest;
  // The conformance suite and its lab registry are no tools a user or release runs: only `npm run conformance`
  // builds them (e2e.test alone is a 12-minute link on 2 cores), so the scan neither builds nor scans them.
  const toolIds = (Object.keys(components) as ComponentId[]).filter((id) => components[id].tool === true && components[id].testTool !== true && (o.tools !== false || id === 'govulncheck'));
  const tools = await buildTools(toolIds, { cacheDir: o.cacheDir, toolchain: o.toolchain, progress: o.progress });
  const scanner = tools.govulncheck;
  if (!scanner) throw new RfoError('RFO_SCAN_FAILED', 'govulncheck was not built', { hint: 'npm run build:tools -- govulncheck' });
  const db = await o.progress.during('scan', 'preparing the vulnerability database', () => ensureVulnDb(o.cacheDir));
  const policyPath = o.policyPath ?? defaultPolicyPath;
  const policyText = existsSync(policyPath) ? await readFile(policyPath, 'utf8') : '';
  const policy = parsePolicy(policyText, policyPath);

  const scanStarted = Date.now();
  const work = await mkdtemp(join(tmpdir(), 'rfo-scan-'));
  try {
    const ctx = { govulncheck: scanner, dbUrl: db.url, work };
    const artifacts: ScannedArtifact[] = [];
    const notScanned: { name: string; reason: string }[] = [];
    const bySha = new Map<string, ScannedArtifact>();
    for (const a of manifest.artifacts) {
      if (a.kind !== 'binary') continue;
      const b: BinaryRecord = a;
      if (b.source.type === 'debian-package') {
        notScanned.push({ name: b.name, reason: `C program from the Debian package ${b.source.package} ${b.source.version}, not Go: check it with Debian's security tracker (DSA/DLA) or a deb-aware scanner` });
        continue;
      }
      if (b.source.type === 'source-tarball') {
        notScanned.push({ name: b.name, reason: `C program built from ${b.source.url}, not Go: the Go vulnerability database does not cover it` });
        continue;
      }
      if (b.source.type !== 'go-module') {
        notScanned.push({ name: b.name, reason: `C program (${b.source.file} from ${b.source.module}@${b.source.version}), not Go: the Go vulnerability database does not cover it` });
        continue;
      }
      const s = await o.progress.during('scan', `govulncheck ${b.name}`, () => scanBinary(ctx, join(o.runtimeDir, b.path), { name: b.name, kind: 'runtime-binary', component: b.component, version: b.version }));
      artifacts.push(s);
      bySha.set(s.sha256, s);
    }
    const images: ImageContents[] = [];
    for (const a of manifest.artifacts) {
      if (a.kind !== 'image') continue;
      const { contents, extra } = await scanImage(ctx, a, o.runtimeDir, bySha);
      images.push(contents);
      artifacts.push(...extra);
    }
    for (const [name, path] of Object.entries(o.tools === false ? {} : tools)) {
      const id = name in components ? (name as ComponentId) : undefined;
      artifacts.push(await o.progress.during('scan', `govulncheck ${name} (tool)`, () => scanBinary(ctx, path, { name, kind: 'tool', component: id ?? '', version: id ? components[id].version : '' })));
    }
    const scanSeconds = (Date.now() - scanStarted) / 1000;

    const today = o.today ?? new Date().toISOString().slice(0, 10);
    const result = resolvePolicy(artifacts, policy, today);
    const input: ReportInput = {
      rfoVersion: manifest.rfoVersion,
      arch: manifest.arch,
      runtimeKey: manifest.key,
      scanner: { name: 'govulncheck', version: components.govulncheck.version },
      database: db.info,
      policy: { path: relative(repoRoot, policyPath), sha256: sha256Hex(policyText) },
      timestamp: o.timestamp ?? new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
      result,
      images,
      notScanned,
    };
    await rm(o.outDir, { recursive: true, force: true });
    await mkdir(o.outDir, { recursive: true });
    const names = reportFileNames(manifest.arch);
    const docBase = `https://rfo.dev/vex/${encodeURIComponent(manifest.rfoVersion)}/${manifest.arch}`;
    const written: string[] = [];
    const put = async (file: string, content: string) => {
      await writeFile(join(o.outDir, file), content);
      written.push(file);
    };
    for (const a of result.artifacts) {
      const stem = fileStem(a.artifact.name);
      await put(`${stem}.vulns.json`, `${JSON.stringify(renderArtifactReport(input, a), null, 2)}\n`);
      await put(`${stem}.vulns.txt`, renderArtifactTable(a));
      await put(`${stem}.openvex.json`, `${JSON.stringify(renderOpenVex(input, [a], `${docBase}/${stem}`), null, 2)}\n`);
    }
    const table = renderTable(input);
    await put(names.report, `${JSON.stringify(renderReport(input), null, 2)}\n`);
    await put(names.table, table);
    await put(names.vex, `${JSON.stringify(renderOpenVex(input, result.artifacts.filter((a) => a.artifact.kind !== 'tool'), docBase), null, 2)}\n`);
    const key = o.signingKey ?? (await loadSigningKey(o.env ?? process.env));
    for (const f of written) await writeFile(join(o.outDir, `${f}.sig`), `${await signFile(key, join(o.outDir, f))}\n`);
    o.progress.info(`scanned ${artifacts.length} Go binaries in ${scanSeconds.toFixed(1)}s (total ${((Date.now() - started) / 1000).toFixed(1)}s with tool and database)`);
    return {
      result,
      database: db.info,
      reportPath: join(o.outDir, names.report),
      tablePath: join(o.outDir, names.table),
      vexPath: join(o.outDir, names.vex),
      table,
      scanSeconds,
      artifacts: artifacts.length,
    };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
