// A dated copy of a tls dir (RKE2: server/tls → server/tls-<unix seconds>)
// before rfo changes certificates in it. The copy holds private keys: 0700.

import { chmod, cp, mkdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { RfoError } from '../errors.ts';

/** An empty backup directory (0700); refused if it exists (two changes within one second). */
export async function makeBackupDir(backup: string): Promise<string> {
  await mkdir(dirname(backup), { recursive: true });
  await mkdir(backup, { mode: 0o700 }).catch((err: unknown) => {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new RfoError('RFO_USAGE', `backup directory ${backup} exists already; nothing was changed`, { hint: 'run the command again in a second' });
    throw err;
  });
  await chmod(backup, 0o700);
  return backup;
}

/** Copy the whole tls dir to its dated backup; returns the backup's path. */
export async function backupTlsDir(tlsDir: string, nowSeconds: number): Promise<string> {
  const backup = await makeBackupDir(join(dirname(tlsDir), `${basename(tlsDir)}-${Math.floor(nowSeconds)}`));
  await cp(tlsDir, backup, { recursive: true, preserveTimestamps: true });
  return backup;
}
