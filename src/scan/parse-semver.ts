// Pure: semantic versions as the Go vulnerability database writes them
// ("1.2.3", "0.0.0-20250101-abcdef", "v1.2.3" or "go1.26.9"), compared with
// the precedence rules of golang.org/x/mod/semver (prereleases sort before
// their release, numeric identifiers numerically).

interface Semver {
  readonly core: readonly number[];
  readonly pre: readonly string[];
}

function parse(v: string): Semver | undefined {
  const s = v.replace(/^go/, '').replace(/^v/, '');
  const m = /^(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/.exec(s);
  if (!m) return undefined;
  return { core: [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0)], pre: m[4] ? m[4].split('.') : [] };
}

export function isSemver(v: string): boolean {
  return parse(v) !== undefined;
}

/** -1, 0 or 1. An unparsable version sorts before every valid one, as x/mod/semver does. */
export function compareSemver(a: string, b: string): number {
  const x = parse(a);
  const y = parse(b);
  if (!x || !y) return x ? 1 : y ? -1 : 0;
  for (let i = 0; i < 3; i++) {
    const d = (x.core[i] ?? 0) - (y.core[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  if (x.pre.length === 0 || y.pre.length === 0) return x.pre.length === y.pre.length ? 0 : x.pre.length === 0 ? 1 : -1;
  for (let i = 0; i < Math.max(x.pre.length, y.pre.length); i++) {
    const p = x.pre[i];
    const q = y.pre[i];
    if (p === undefined || q === undefined) return p === undefined ? -1 : 1;
    if (p === q) continue;
    const pn = /^\d+$/.test(p);
    const qn = /^\d+$/.test(q);
    if (pn && qn) return Math.sign(Number(p) - Number(q)) || Math.sign(p.length - q.length);
    if (pn !== qn) return pn ? -1 : 1;
    return p < q ? -1 : 1;
  }
  return 0;
}

export function semverLess(a: string, b: string): boolean {
  return compareSemver(a, b) < 0;
}
