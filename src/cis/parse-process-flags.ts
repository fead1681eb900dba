// Pure: a component's command line (/proc/<pid>/cmdline) as flag values:
// --flag=value, --flag value, or a bare --flag (true). A flag given twice
// keeps both values in order; the checks read the last, as the programs do.

export function parseProcessFlags(argv: readonly string[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  const add = (k: string, v: string) => {
    (out[k] ??= []).push(v);
  };
  for (let i = 1; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (!arg.startsWith('-')) continue;
    const name = arg.replace(/^--?/, '');
    const eq = name.indexOf('=');
    if (eq >= 0) {
      add(name.slice(0, eq), name.slice(eq + 1));
      continue;
    }
    const next = argv[i + 1];
    if (next !== undefined && !next.startsWith('-')) {
      add(name, next);
      i++;
    } else add(name, 'true');
  }
  return out;
}

/** kubelet merges its configuration files in name order, each over the last (maps merge, lists and values replace). */
export function mergeKubeletConfigs(docs: readonly unknown[]): Record<string, unknown> {
  const merge = (a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> => {
    const out: Record<string, unknown> = { ...a };
    for (const [k, v] of Object.entries(b)) {
      const prev = out[k];
      out[k] = v && typeof v === 'object' && !Array.isArray(v) && prev && typeof prev === 'object' && !Array.isArray(prev) ? merge(prev as Record<string, unknown>, v as Record<string, unknown>) : v;
    }
    return out;
  };
  return docs.reduce<Record<string, unknown>>((acc, d) => (d && typeof d === 'object' && !Array.isArray(d) ? merge(acc, d as Record<string, unknown>) : acc), {});
}
