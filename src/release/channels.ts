// Pure: the channels file install-rfo.sh resolves INSTALL_RFO_CHANNEL with:
// stable, latest and the Kubernetes minor (v1.36) each name a release.
// One "channel": "version" pair per line, so a POSIX shell can read it
// with sed; it is still JSON for everything else.

export function renderChannels(version: string, stable = version): string {
  const minor = /^(v\d+\.\d+)\./.exec(version)?.[1];
  if (!minor) throw new Error(`not a vX.Y.Z+rforN version: ${version}`);
  const entries: [string, string][] = [
    ['stable', stable],
    ['latest', version],
    [minor, version],
  ];
  return `{\n${entries.map(([k, v]) => `  "${k}": "${v}"`).join(',\n')}\n}\n`;
}
