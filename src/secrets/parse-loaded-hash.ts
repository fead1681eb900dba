// Pure: which encryption configuration kube-apiserver has loaded, from its
// /metrics (apiserver_encryption_config_controller_last_config_info, set at
// start and after every automatic reload; its `hash` label is sha256 of the
// file's bytes). Automatic reload polls the file once a minute, so this is how
// rfo knows a change reached a server before anything is written with it.

const metric = 'apiserver_encryption_config_controller_last_config_info';

export function parseLoadedHash(metricsText: string): string | undefined {
  for (const line of metricsText.split('\n')) {
    if (!line.startsWith(`${metric}{`)) continue;
    const m = /[{,]hash="([^"]+)"/.exec(line);
    if (m?.[1]) return m[1];
  }
  return undefined;
}
