// Pure: the channels file install-rfo.sh resolves INSTALL_RFO_CHANNEL with.
// A release tree holds one directory per version (`npm run release -- --minor
// 1.35` adds that minor's beside the others); the channels name, from the
// versions present: `stable` (the newest of the default minor), `latest`
// (the newest of all) and each minor (v1.35 → its newest patch).
// One "channel": "version" pair per line, so a POSIX shell can read it
// with sed; it is still JSON for everything else.

const versionPattern = /^v(\d+)\.(\d+)\.(\d+)\+rfor(\d+)$/;

function parts(version: string): number[] {
  const m = versionPattern.exec(version);
  if (!m) throw new Error(`not a vX.Y.Z+rforN version: ${version}`);
  return m.slice(1).map(Number);
}

function newer(a: string, b: string): boolean {
  const pa = parts(a);
  const pb = parts(b);
  for (let i = 0; i < pa.length; i++) if (pa[i] !== pb[i]) return (pa[i] ?? 0) > (pb[i] ?? 0);
  return false;
}

/** `versions`: every version the release tree holds; `stableMinor`: e.g. "1.36" (minors.ts defaultMinor). */
export function renderChannels(versions: readonly string[], stableMinor: string): string {
  if (versions.length === 0) throw new Error('a channels file needs at least one version');
  const byMinor = new Map<string, string>();
  let latest = '';
  for (const v of versions) {
    const [major, minor] = parts(v);
    const key = `v${major}.${minor}`;
    const have = byMinor.get(key);
    if (!have || newer(v, have)) byMinor.set(key, v);
    if (!latest || newer(v, latest)) latest = v;
  }
  // Without a release of the stable minor in the tree yet, stable is the newest older one.
  const [sMajor = 0, sMinor = 0] = stableMinor.split('.').map(Number);
  const atMostStable = versions.filter((v) => {
    const [major = 0, minor = 0] = parts(v);
    return major < sMajor || (major === sMajor && minor <= sMinor);
  });
  const stable = atMostStable.reduce((a, b) => (newer(b, a) ? b : a), atMostStable[0] ?? latest);
  const minors = [...byMinor.entries()].sort(([a], [b]) => (newer(byMinor.get(a) ?? '', byMinor.get(b) ?? '') ? 1 : -1));
  const entries: [string, string][] = [['stable', stable], ['latest', latest], ...minors];
  return `{\n${entries.map(([k, v]) => `  "${k}": "${v}"`).join(',\n')}\n}\n`;
}
