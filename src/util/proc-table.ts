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
  /** One-letter state from /proc/<pid>/stat (R, S, D, Z…). */
  readonly state: string;
  /** Start time in clock ticks (USER_HZ) after boot: tells a reused pid from the process a pid file names. */
  readonly startTicks: number;
}

export async function readProcTable(): Promise<ProcEntry[]> {
  const out: ProcEntry[] = [];
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = await readFile(`/proc/${name}/stat`, 'utf8');
      // Fields after the command name: state ppid … starttime (field 22 of stat).
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ppid = Number(fields[1]);
      const cmdline = (await readFile(`/proc/${name}/cmdline`, 'utf8')).split('\0').filter(Boolean);
      const environ = (await readFile(`/proc/${name}/environ`, 'utf8').catch(() => '')).split('\0').filter(Boolean);
      const mntNs = await readlink(`/proc/${name}/ns/mnt`).catch(() => '');
      out.push({ pid: Number(name), ppid, cmdline, environ, mntNs, state: fields[0] ?? '', startTicks: Number(fields[19]) });
    } catch {
      // the process exited while we looked
    }
  }
  return out;
}

/** The kernel's boot time (ms since the epoch), from btime in /proc/stat. */
export async function bootTimeMs(): Promise<number> {
  const btime = /^btime (\d+)$/m.exec(await readFile('/proc/stat', 'utf8'))?.[1];
  return Number(btime) * 1000;
}

/** /proc reports times in USER_HZ, which is 100 on every Linux architecture rfo supports. */
export const userHz = 100;
