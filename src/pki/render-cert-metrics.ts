// Pure: the Prometheus text exposition (format 0.0.4) of the certificates'
// expiry: one gauge series per managed certificate, its notAfter in unix
// seconds, so an alert is `rfo_certificate_expiration_timestamp_seconds - time() < 30*86400`.

import type { CertExpiry } from './plan-expiry-warnings.ts';

export const metricsContentType = 'text/plain; version=0.0.4; charset=utf-8';
const metric = 'rfo_certificate_expiration_timestamp_seconds';

/** Label values escape backslash, double quote and line feed (the format's only escapes). */
const escapeLabel = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

export function renderCertMetrics(certs: readonly CertExpiry[], nodeName: string): string {
  const lines = [
    `# HELP ${metric} The time the certificate stops being valid (notAfter), in seconds since the epoch.`,
    `# TYPE ${metric} gauge`,
    ...[...certs]
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((c) => `${metric}{name="${escapeLabel(c.name)}",node="${escapeLabel(nodeName)}"} ${Math.floor(c.notAfter.getTime() / 1000)}`),
  ];
  return `${lines.join('\n')}\n`;
}
