// Pure: the exact `go build` invocation for a recipe. Everything that shapes
// the output bytes is here, so it is part of the cache key and of the manifest.

import { components, goToolchain } from '../versions/table.ts';
import type { Arch, Component } from '../versions/table.ts';
import { usesCgo } from '../versions/recipes.ts';
import type { GoBinaryRecipe } from '../versions/recipes.ts';

export interface GoBuildFacts {
  readonly component: Component;
  readonly arch: Arch;
  /** Publication time of the component's module (from the module proxy), RFC 3339. */
  readonly buildDate: string;
  readonly outFile: string;
  readonly wrapperDir: string;
  /** cgo variables of a cross build (CC=aarch64-linux-gnu-gcc), recorded with the rest. */
  readonly cgoEnv?: Readonly<Record<string, string>>;
}

export interface CommandSpec {
  readonly cmd: string;
  readonly args: readonly string[];
  readonly cwd: string;
  /** Variables set on top of the caller's environment. */
  readonly env: Readonly<Record<string, string>>;
}

/** Expand {version} {semver} {major} {minor} {k8sMajor} {k8sMinor} {buildDate} in a recipe value. */
export function expandPlaceholders(value: string, component: Component, buildDate: string): string {
  const semver = component.version.replace(/^v/, '');
  const [major = '', minor = ''] = semver.split('.');
  const [k8sMajor = '', k8sMinor = ''] = components.kubernetes.version.replace(/^v/, '').split('.');
  return value
    .replaceAll('{k8sMajor}', k8sMajor)
    .replaceAll('{k8sMinor}', k8sMinor)
    .replaceAll('{version}', component.version)
    .replaceAll('{semver}', semver)
    .replaceAll('{major}', major)
    .replaceAll('{minor}', minor)
    .replaceAll('{buildDate}', buildDate);
}

export function renderLdflags(recipe: GoBinaryRecipe, component: Component, buildDate: string, arch: Arch): string {
  // -w: no DWARF (smaller, and no paths to leak). The symbol table stays
  // (no -s): govulncheck -mode binary needs it to tell which vulnerable
  // functions a binary links; on a stripped binary it can only say which
  // modules are in it and reports every known vulnerable symbol as found
  // (etcdctl: 15 "reachable" stripped, 12 with symbols; ~12 % larger).
  // -buildid= : the build ID would otherwise hash the action graph, fine, but
  // empty keeps two toolchain installs at different paths byte-identical.
  const flags = ['-w', '-buildid='];
  for (const [name, value] of Object.entries(recipe.xflags).sort(([a], [b]) => a.localeCompare(b))) {
    flags.push(`-X '${name}=${expandPlaceholders(value, component, buildDate)}'`);
  }
  if (usesCgo(recipe, arch)) flags.push("-extldflags '-static'");
  return flags.join(' ');
}

export function renderGoEnv(recipe: GoBinaryRecipe, arch: Arch): Record<string, string> {
  return {
    // Exactly the pinned toolchain (the go command fetches it once), never one a go.mod asks for.
    GOTOOLCHAIN: goToolchain,
    GOFLAGS: '-mod=readonly', // go.sum is committed; a build must not edit it
    GOOS: 'linux',
    GOARCH: arch,
    CGO_ENABLED: usesCgo(recipe, arch) ? '1' : '0',
    GOAMD64: 'v1',
    GOARM64: 'v8.0',
    GORISCV64: 'rva20u64',
  };
}

export function renderGoBuild(recipe: GoBinaryRecipe, facts: GoBuildFacts): CommandSpec {
  // A test binary (e2e.test) is linked by `go test -c`, with the same flags.
  const args = recipe.testBinary ? ['test', '-c', '-trimpath', '-buildvcs=false'] : ['build', '-trimpath', '-buildvcs=false'];
  if (recipe.tags.length > 0) args.push('-tags', [...recipe.tags].join(','));
  args.push('-ldflags', renderLdflags(recipe, facts.component, facts.buildDate, facts.arch), '-o', facts.outFile, recipe.package);
  return { cmd: 'go', args, cwd: facts.wrapperDir, env: { ...renderGoEnv(recipe, facts.arch), ...(usesCgo(recipe, facts.arch) ? facts.cgoEnv : {}) } };
}
