// Pure: an in-toto v1 Statement with a SLSA v1 provenance predicate for one
// release: the artifacts (subjects, by sha256), the inputs they were made
// from (the git commit, every Go module and C file of the runtime with its
// go.sum hash, the toolchains), who built it and how (the recipe).

export interface ProvenanceInput {
  readonly subjects: readonly { readonly name: string; readonly sha256: string }[];
  readonly version: string;
  readonly arch: string;
  readonly commit: string;
  readonly dirty: boolean;
  readonly runtimeKey: string;
  readonly toolchain: { readonly go: string; readonly cc: string; readonly libseccomp?: string; readonly node: string };
  /** Go modules (module@version, go.sum h1) and C files (sha256) that went in. */
  readonly dependencies: readonly { readonly uri: string; readonly digest: Readonly<Record<string, string>> }[];
  /** What the release was scanned with and the report's hash (npm run scan). */
  readonly vulnerabilityScan?: {
    readonly scanner: string;
    readonly database: { readonly module: string; readonly version: string; readonly goModuleH1: string; readonly layoutSha256: string };
    readonly report: { readonly name: string; readonly sha256: string };
    readonly policySha256: string;
  };
  readonly builderId: string;
  readonly startedOn: string;
  readonly finishedOn: string;
}

export const buildType = 'https://rfo.dev/release/build-type/v1';

export function renderProvenance(p: ProvenanceInput): Record<string, unknown> {
  return {
    _type: 'https://in-toto.io/Statement/v1',
    subject: p.subjects.map((s) => ({ name: s.name, digest: { sha256: s.sha256 } })),
    predicateType: 'https://slsa.dev/provenance/v1',
    predicate: {
      buildDefinition: {
        buildType,
        externalParameters: { version: p.version, arch: p.arch, recipe: 'npm run release (scripts/release.ts: npm run build:runtime, npm run scan, stage, tar, rpmbuild, sign)' },
        internalParameters: { runtimeKey: p.runtimeKey, toolchain: p.toolchain, ...(p.vulnerabilityScan ? { vulnerabilityScan: p.vulnerabilityScan } : {}) },
        resolvedDependencies: [{ uri: `git+rfo@${p.commit}${p.dirty ? '+dirty' : ''}`, digest: { gitCommit: p.commit } }, ...p.dependencies],
      },
      runDetails: {
        builder: { id: p.builderId },
        metadata: { invocationId: `${p.version}/${p.arch}/${p.startedOn}`, startedOn: p.startedOn, finishedOn: p.finishedOn },
      },
    },
  };
}
