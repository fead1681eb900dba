// Reads what resolveConfig needs: the config file named by --config/-c,
// RFO_CONFIG_FILE or the default, then its drop-ins (<file>.d/*.yaml|*.yml
// in name order). A missing default file is fine; a missing file the user
// named is an error.

import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RfoError } from '../errors.ts';
import { flagTable } from './flags.ts';
import type { Command } from './flags.ts';
import type { ConfigFile, ConfigSources } from './resolve-config.ts';

export function findConfigPath(args: readonly string[], env: NodeJS.ProcessEnv): { path: string; explicit: boolean } {
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? '';
    if (a === '--config' || a === '-c') return { path: args[i + 1] ?? '', explicit: true };
    if (a.startsWith('--config=')) return { path: a.slice('--config='.length), explicit: true };
  }
  if (env.RFO_CONFIG_FILE) return { path: env.RFO_CONFIG_FILE, explicit: true };
  const def = flagTable.find((f) => f.name === 'config')?.default;
  return { path: typeof def === 'string' ? def : '/etc/rancher/rfo/config.yaml', explicit: false };
}

export async function readConfigSources(command: Command, args: readonly string[], env: NodeJS.ProcessEnv): Promise<ConfigSources> {
  const { path, explicit } = findConfigPath(args, env);
  const files: ConfigFile[] = [];
  try {
    files.push({ path, text: await readFile(path, 'utf8') });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || explicit) {
      throw new RfoError('RFO_CONFIG_INVALID', `cannot read config file ${path}: ${(err as Error).message}`, { hint: 'check the --config path' });
    }
  }
  // No drop-in directory is the common case, not an error.
  const dropIns = (await readdir(`${path}.d`).catch(() => [] as string[])).filter((n) => /\.ya?ml$/i.test(n)).sort();
  for (const name of dropIns) files.push({ path: join(`${path}.d`, name), text: await readFile(join(`${path}.d`, name), 'utf8') });
  return { command, files, env, args };
}
