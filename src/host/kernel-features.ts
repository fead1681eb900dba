// Reads what the running kernel offers, for preflight checks of features
// that rfo's components need (the network policy engine's netfilter parts):
// its build configuration (/proc/config.gz, else /boot/config-<release>),
// its built-in and installable modules (modules.builtin, modules.dep) and
// the loaded ones (/proc/modules). Any of these may be missing on a host;
// the pure checks say "cannot tell" rather than guess.

import { readFile } from 'node:fs/promises';
import { release } from 'node:os';
import { gunzipSync } from 'node:zlib';
import type { KernelFeatures } from './plan-kernel-check.ts';

async function readText(path: string, gz = false): Promise<string | undefined> {
  try {
    const data = await readFile(path);
    return (gz ? gunzipSync(data) : data).toString('utf8');
  } catch {
    return undefined;
  }
}

/** Module names from modules.builtin / modules.dep lines ("kernel/net/netfilter/xt_set.ko[.xz]: deps"). */
export function moduleNames(text: string): string[] {
  return text
    .split('\n')
    .map((l) => /([^/\s:]+)\.ko(?:\.[a-z]+)?(?::|$)/.exec(l.trim())?.[1])
    .filter((n): n is string => n !== undefined)
    .map((n) => n.replace(/-/g, '_'));
}

export async function readKernelFeatures(): Promise<KernelFeatures> {
  const rel = release();
  const config = (await readText('/proc/config.gz', true)) ?? (await readText(`/boot/config-${rel}`));
  const builtin = await readText(`/lib/modules/${rel}/modules.builtin`);
  const dep = await readText(`/lib/modules/${rel}/modules.dep`);
  const loaded = await readText('/proc/modules');
  return {
    release: rel,
    ...(config !== undefined ? { config } : {}),
    ...(builtin !== undefined || dep !== undefined ? { modules: [...moduleNames(builtin ?? ''), ...moduleNames(dep ?? '')] } : {}),
    loaded: (loaded ?? '').split('\n').map((l) => l.split(' ')[0] ?? '').filter(Boolean),
  };
}
