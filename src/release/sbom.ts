// Pure: CycloneDX 1.5 JSON SBOMs for release artifacts. Each binary is a
// component whose nested components are the Go modules its build info names
// (with their go.sum hashes), or the C file it was compiled from; images nest
// the binaries they carry; rfo's own npm packages and the Node runtime are
// listed too. The tests validate the output against CycloneDX's own schema.

import { createHash } from 'node:crypto';
import type { GoBuildInfo } from './go-buildinfo.ts';

export interface CdxHash {
  readonly alg: 'SHA-256';
  readonly content: string;
}

export interface CdxComponent {
  readonly type: 'application' | 'library' | 'file' | 'container' | 'platform';
  readonly 'bom-ref': string;
  readonly name: string;
  readonly version?: string;
  readonly purl?: string;
  readonly hashes?: readonly CdxHash[];
  readonly licenses?: readonly { readonly license: { readonly id: string } }[];
  readonly properties?: readonly { readonly name: string; readonly value: string }[];
  readonly components?: readonly CdxComponent[];
}

const sha = (hex: string): CdxHash[] => [{ alg: 'SHA-256', content: hex }];
const prop = (name: string, value: string) => ({ name, value });

/** pkg:golang purl; local replacements ((devel)) have none. */
function goPurl(path: string, version: string): string | undefined {
  if (version === '(devel)' || path.startsWith('.')) return undefined;
  return `pkg:golang/${path.split('/').map(encodeURIComponent).join('/')}@${encodeURIComponent(version)}`;
}

export function goBinaryComponent(name: string, sha256: string, info: GoBuildInfo, version?: string): CdxComponent {
  const mods = [...(info.main && info.main.version !== '(devel)' ? [{ ...info.main, replace: undefined }] : []), ...info.deps];
  return {
    type: 'application',
    'bom-ref': `bin/${name}`,
    name,
    ...(version ? { version } : {}),
    hashes: sha(sha256),
    properties: [prop('rfo:go-version', info.goVersion), prop('rfo:go-main-package', info.path), ...Object.entries(info.settings).map(([k, v]) => prop(`rfo:go-build:${k}`, v))],
    components: mods.map((m) => {
      const used = m.replace ?? m;
      const purl = goPurl(used.path, used.version);
      return {
        type: 'library' as const,
        'bom-ref': `bin/${name}/${m.path}@${m.version}`,
        name: m.path,
        version: m.version,
        ...(purl ? { purl } : {}),
        properties: [
          ...(m.sum ? [prop('rfo:go.sum', m.sum)] : []),
          ...(m.replace ? [prop('rfo:go-replaced-by', `${m.replace.path} ${m.replace.version}`)] : []),
          ...(m.replace?.sum ? [prop('rfo:go.sum-replacement', m.replace.sum)] : []),
        ],
      };
    }),
  };
}

export interface CSourceFacts {
  readonly file: string;
  readonly fileSha256: string;
  readonly module: string;
  readonly moduleVersion: string;
  readonly moduleSum: string;
  readonly compiler: string;
}

/** A C program: the binary, the compiler that made it, and its one source as a file component. */
function compiledComponent(name: string, version: string, sha256: string, compiler: string, source: CdxComponent): CdxComponent {
  return { type: 'application', 'bom-ref': `bin/${name}`, name, version, hashes: sha(sha256), properties: [prop('rfo:compiler', compiler)], components: [source] };
}

export function cBinaryComponent(name: string, version: string, sha256: string, c: CSourceFacts): CdxComponent {
  return compiledComponent(name, version, sha256, c.compiler, {
    type: 'file',
    'bom-ref': `bin/${name}/src/${c.file}`,
    name: c.file,
    version: c.moduleVersion,
    hashes: sha(c.fileSha256),
    properties: [prop('rfo:source-module', `${c.module}@${c.moduleVersion}`), prop('rfo:go.sum', c.moduleSum)],
  });
}

/** A C program built from its release tarball: the tarball as the source component, by URL and sha256. */
export function tarballBinaryComponent(name: string, version: string, sha256: string, t: { readonly url: string; readonly sha256: string; readonly compiler: string }): CdxComponent {
  return compiledComponent(name, version, sha256, t.compiler, { type: 'file', 'bom-ref': `bin/${name}/src/${t.url}`, name: t.url, version, hashes: sha(t.sha256) });
}

export interface DebianSourceFacts {
  readonly package: string;
  readonly version: string;
  readonly arch: string;
  readonly debSha256: string;
  readonly file: string;
}

/** A file taken from a Debian package: the binary, with the .deb (purl pkg:deb) nested. */
export function debianBinaryComponent(name: string, version: string, sha256: string, d: DebianSourceFacts): CdxComponent {
  return {
    type: 'application',
    'bom-ref': `bin/${name}`,
    name,
    version,
    hashes: sha(sha256),
    properties: [prop('rfo:debian-file', d.file)],
    components: [
      {
        type: 'library',
        'bom-ref': `bin/${name}/deb/${d.package}@${d.version}`,
        name: d.package,
        version: d.version,
        purl: debianPurl(d),
        hashes: sha(d.debSha256),
      },
    ],
  };
}

/** A Debian package whose files an image carries (iptables, ipset, glibc in the network policy image): the .deb as a library. */
export function debianPackageComponent(d: { readonly name: string; readonly version: string; readonly arch: string; readonly sha256: string; readonly license: string; readonly sourcePackage: string }): CdxComponent {
  return {
    type: 'library',
    'bom-ref': `deb/${d.name}@${d.version}`,
    name: d.name,
    version: d.version,
    purl: debianPurl({ package: d.name, version: d.version, arch: d.arch }),
    hashes: sha(d.sha256),
    licenses: [{ license: { id: d.license } }],
    properties: [prop('rfo:debian-source-package', d.sourcePackage)],
  };
}

/** pkg:deb/debian/<package>@<version>?arch=<arch> (the epoch's colon percent-encoded, as the purl spec asks). */
export function debianPurl(d: Pick<DebianSourceFacts, 'package' | 'version' | 'arch'>): string {
  return `pkg:deb/debian/${encodeURIComponent(d.package)}@${encodeURIComponent(d.version)}?arch=${encodeURIComponent(d.arch)}`;
}

export interface ChartFacts {
  readonly name: string;
  readonly version: string;
  readonly path: string;
  readonly sha256: string;
  /** For a chart made from a data module's files (the Gateway API CRDs). */
  readonly source?: { readonly module: string; readonly version: string; readonly sum: string; readonly files: readonly string[] };
}

/** A packaged chart of the runtime; one made from a module's files nests that module with its go.sum hash. */
export function chartComponent(c: ChartFacts): CdxComponent {
  const purl = c.source ? goPurl(c.source.module, c.source.version) : undefined;
  return {
    type: 'file',
    'bom-ref': c.path,
    name: c.name,
    version: c.version,
    hashes: sha(c.sha256),
    ...(c.source
      ? {
          components: [
            {
              type: 'library' as const,
              'bom-ref': `${c.path}/${c.source.module}@${c.source.version}`,
              name: c.source.module,
              version: c.source.version,
              ...(purl ? { purl } : {}),
              properties: [prop('rfo:go.sum', c.source.sum), ...c.source.files.map((f) => prop('rfo:file', f))],
            },
          ],
        }
      : {}),
  };
}

export function npmComponent(name: string, version: string, license?: string): CdxComponent {
  return {
    type: 'library',
    'bom-ref': `npm/${name}@${version}`,
    name,
    version,
    purl: `pkg:npm/${name.replace('@', '%40')}@${version}`,
    ...(license ? { licenses: [{ license: { id: license } }] } : {}),
  };
}

export function nodeRuntimeComponent(version: string, sha256: string): CdxComponent {
  return { type: 'platform', 'bom-ref': `node@${version}`, name: 'node', version, purl: `pkg:generic/nodejs@${version}`, hashes: sha(sha256) };
}

/** An OCI image: its manifest digest, with the binaries it carries nested. */
export function imageComponent(ref: string, digest: string, contents: readonly CdxComponent[]): CdxComponent {
  const rekey = (c: CdxComponent, prefix: string): CdxComponent => ({
    ...c,
    'bom-ref': `${prefix}/${c['bom-ref']}`,
    ...(c.components ? { components: c.components.map((n) => rekey(n, prefix)) } : {}),
  });
  return {
    type: 'container',
    'bom-ref': `image/${ref}`,
    name: ref,
    version: digest,
    hashes: sha(digest.replace(/^sha256:/, '')),
    components: contents.map((c) => rekey(c, `image/${ref}`)),
  };
}

/** RFC 4122 v5-style UUID from a seed, so the same inputs give the same serial. */
function uuidFrom(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex');
  const variant = ((parseInt(h[16] ?? '0', 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export interface SbomInput {
  readonly subject: { readonly name: string; readonly version: string; readonly type: CdxComponent['type']; readonly sha256?: string };
  readonly timestamp: string;
  readonly rfoVersion: string;
  readonly components: readonly CdxComponent[];
}

export function renderSbom(input: SbomInput): Record<string, unknown> {
  const s = input.subject;
  return {
    bomFormat: 'CycloneDX',
    specVersion: '1.5',
    serialNumber: `urn:uuid:${uuidFrom(`${s.name}@${s.version}:${s.sha256 ?? ''}`)}`,
    version: 1,
    metadata: {
      timestamp: input.timestamp,
      tools: { components: [{ type: 'application', name: 'rfo release', version: input.rfoVersion }] },
      component: { type: s.type, 'bom-ref': s.name, name: s.name, version: s.version, ...(s.sha256 ? { hashes: sha(s.sha256) } : {}) },
    },
    components: input.components,
  };
}
