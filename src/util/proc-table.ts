// The host's process table from /proc: what killall and the lab need to find
// an instance's or a node's processes (parent, command line, environment,
// mount namespace). Processes that exit while being read are skipped.

import { readdir, readFile, readlink } from 'node:fs/promises';

export interface ProcEntry {
  readonly pid: number;
  readonly ppid: number;
  readonly cmdline: readonly string[];
  /** NAME=value entries; empty when unreadable. */
  readonly environ: readonly string[];
  /** readlink /proc/<pid>/ns/mnt, e.g. "mnt:[4026532301]"; empty when unreadable. */
  readonly mntNs: string;
}

export async function readProcTable(): Promise<ProcEntry[]> {
  const out: ProcEntry[] = [];
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = await readFile(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const cmdline = (await readFile(`/proc/${name}/cmdline`, 'utf8')).split('\0').filter(Boolean);
      const environ = (await readFile(`/proc/${name}/environ`, 'utf8').catch(() => '')).split('\0').filter(Boolean);
      const mntNs = await readlink(`/proc/${name}/ns/mnt`).catch(() => '');
      out.push({ pid: Number(name), ppid, cmdline, environ, mntNs });
    } catch {
      // the process exited while we looked
    }
  }
  return out;
}
