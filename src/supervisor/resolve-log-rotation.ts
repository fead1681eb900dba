// Pure: the component log rotation from the resolved options
// (component-log-max-size in MiB, component-log-max-files).

import { RfoError } from '../errors.ts';
import type { LogRotation } from './rotating-log.ts';

export function resolveLogRotation(values: Readonly<Record<string, unknown>>): LogRotation {
  const mib = Number(values['component-log-max-size'] ?? 50);
  const files = Number(values['component-log-max-files'] ?? 5);
  if (!Number.isInteger(mib) || mib < 1) {
    throw new RfoError('RFO_CONFIG_INVALID', `component-log-max-size must be at least 1 (MiB), got ${String(values['component-log-max-size'])}`, { hint: 'set component-log-max-size to a whole number of MiB (default 50); nothing was started or written' });
  }
  if (!Number.isInteger(files) || files < 2) {
    throw new RfoError('RFO_CONFIG_INVALID', `component-log-max-files must be at least 2 (the live file and one rotated copy), got ${String(values['component-log-max-files'])}`, { hint: 'set component-log-max-files to 2 or more (default 5); nothing was started or written' });
  }
  return { maxBytes: mib * 1024 * 1024, maxFiles: files };
}
