// The description of one supervised process, produced by the pure plan*
// functions and run by the supervisor. Also: merging user `--<component>-arg`
// values over rfo's defaults.

export interface ProcessSpec {
  readonly name: string;
  readonly binary: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly logFile: string;
  /** How long to wait after SIGTERM before SIGKILL. */
  readonly stopTimeoutMs: number;
  /** User args that replaced a default, reported as warnings at start. */
  readonly overridden: readonly string[];
  /**
   * Run as this uid/gid instead of root (etcd under the cis profile). The
   * paths in `owns` (directories recursively) are given to that user before
   * every start, so files rfo wrote as root since (a renewed certificate, a
   * restored snapshot) stay readable by it.
   */
  readonly runAs?: { readonly uid: number; readonly gid: number; readonly owns: readonly string[] };
}

export type ArgMap = Readonly<Record<string, string | readonly string[]>>;

/**
 * Render `--key=value` flags from defaults, then apply user extras
 * ("key=value" or "--key=value"): an extra replaces the default of the same
 * key; the same key given several times in extras is passed several times.
 */
export function mergeArgs(defaults: ArgMap, extras: readonly string[]): { args: string[]; overridden: string[] } {
  const user = new Map<string, string[]>();
  for (const extra of extras) {
    const raw = extra.replace(/^--?/, '');
    const eq = raw.indexOf('=');
    const key = eq < 0 ? raw : raw.slice(0, eq);
    const value = eq < 0 ? 'true' : raw.slice(eq + 1);
    user.set(key, [...(user.get(key) ?? []), value]);
  }
  const args: string[] = [];
  const overridden: string[] = [];
  for (const [key, value] of Object.entries(defaults)) {
    if (user.has(key)) {
      overridden.push(key);
      continue;
    }
    for (const v of Array.isArray(value) ? value : [value]) args.push(`--${key}=${v as string}`);
  }
  for (const [key, values] of user) for (const v of values) args.push(`--${key}=${v}`);
  return { args, overridden };
}
