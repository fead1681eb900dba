// Pure: parses `go version -m <binary>` — the build info the Go linker embeds
// in every binary — into the modules that are really inside it. The SBOM is
// built from this rather than from go.mod, so it lists what was linked, not
// what was merely required.

export interface GoModuleRef {
  readonly path: string;
  readonly version: string;
  /** go.sum h1: hash; absent for local replacements. */
  readonly sum?: string;
}

export interface GoBuildInfo {
  readonly goVersion: string;
  /** The main package's import path. */
  readonly path: string;
  readonly main?: GoModuleRef;
  /** Every dependency module; `replace` is what was actually compiled in its place. */
  readonly deps: readonly (GoModuleRef & { readonly replace?: GoModuleRef })[];
  readonly settings: Readonly<Record<string, string>>;
}

export function parseGoBuildInfo(text: string): GoBuildInfo {
  const lines = text.split('\n');
  const head = /^[^\n]*: (go\S+)$/.exec(lines[0] ?? '');
  if (!head?.[1]) throw new Error(`not go version -m output: ${lines[0] ?? ''}`);
  let path = '';
  let main: GoModuleRef | undefined;
  const deps: (GoModuleRef & { replace?: GoModuleRef })[] = [];
  const settings: Record<string, string> = {};
  const ref = (f: string[]): GoModuleRef => ({ path: f[1] ?? '', version: f[2] ?? '', ...(f[3] ? { sum: f[3] } : {}) });
  for (const line of lines.slice(1)) {
    if (!line.startsWith('\t')) continue;
    const f = line.slice(1).split('\t');
    switch (f[0]) {
      case 'path':
        path = f[1] ?? '';
        break;
      case 'mod':
        main = ref(f);
        break;
      case 'dep':
        deps.push(ref(f));
        break;
      case '=>': {
        const last = deps.pop();
        if (!last) throw new Error('replacement without a module in go version -m output');
        deps.push({ ...last, replace: ref(f) });
        break;
      }
      case 'build': {
        const eq = (f[1] ?? '').indexOf('=');
        if (eq > 0) settings[(f[1] ?? '').slice(0, eq)] = (f[1] ?? '').slice(eq + 1);
        break;
      }
      default:
        break;
    }
  }
  return { goVersion: head[1], path, ...(main ? { main } : {}), deps, settings };
}
