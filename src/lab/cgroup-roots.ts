// A kubelet cgroup root per lab node (cgroupRoot in its kubelet drop-in), so the nodes'
// kubepods trees never meet. kubelet refuses a cgroup root that is missing in
// any hierarchy, so on cgroup v1 it is made in every mounted one before the
// node starts; a new cpuset cgroup starts with no CPUs and memory nodes, so
// those are copied from the parent. Removal is deepest first, once the
// node's processes are gone (a cgroup with tasks cannot be removed).

import { readdir, readFile, rmdir, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Mount points of the cgroup hierarchies (v1 controllers, named ones, and the v2 tree). */
export async function cgroupMounts(): Promise<string[]> {
  const mounts = await readFile('/proc/mounts', 'utf8');
  return mounts
    .split('\n')
    .map((l) => l.split(' '))
    .filter((f) => f[2] === 'cgroup' || f[2] === 'cgroup2')
    .map((f) => f[1] ?? '')
    .filter(Boolean);
}

export async function createCgroupRoot(root: string): Promise<void> {
  for (const mount of await cgroupMounts()) {
    const dir = join(mount, root);
    await mkdir(dir, { recursive: true });
    for (const file of ['cpuset.cpus', 'cpuset.mems']) {
      const parent = await readFile(join(mount, file), 'utf8').catch(() => undefined);
      const own = await readFile(join(dir, file), 'utf8').catch(() => undefined);
      if (parent !== undefined && own !== undefined && own.trim() === '') await writeFile(join(dir, file), parent.trim());
    }
  }
}

/** Directories of a cgroup root, deepest first. */
async function treeOf(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const below: string[] = [];
  for (const e of entries) if (e.isDirectory()) below.push(...(await treeOf(join(dir, e.name))));
  return [...below, dir];
}

/** Every pid in the cgroup root, in any hierarchy. */
export async function cgroupPids(root: string): Promise<number[]> {
  const pids = new Set<number>();
  for (const mount of await cgroupMounts()) {
    for (const dir of await treeOf(join(mount, root))) {
      const procs = await readFile(join(dir, 'cgroup.procs'), 'utf8').catch(() => '');
      for (const l of procs.split('\n')) if (/^\d+$/.test(l)) pids.add(Number(l));
    }
  }
  return [...pids];
}

/** Remove the cgroup root everywhere; returns what could not be removed (still busy). */
export async function removeCgroupRoot(root: string): Promise<string[]> {
  const left: string[] = [];
  for (const mount of await cgroupMounts()) {
    for (const dir of await treeOf(join(mount, root))) {
      let removed = false;
      // A memory cgroup may stay busy for a moment after its last task exited.
      for (let attempt = 0; attempt < 20 && !removed; attempt++) {
        removed = await rmdir(dir).then(
          () => true,
          (e: NodeJS.ErrnoException) => e.code === 'ENOENT',
        );
        if (!removed) await new Promise((r) => setTimeout(r, 250));
      }
      if (!removed) left.push(dir);
    }
  }
  return left;
}

/** Cgroup roots named after the lab (<name>-<node>) in any hierarchy: for a down without state. */
export async function labCgroupRoots(name: string): Promise<string[]> {
  const roots = new Set<string>();
  for (const mount of await cgroupMounts()) {
    for (const e of await readdir(mount, { withFileTypes: true }).catch(() => [])) {
      if (e.isDirectory() && new RegExp(`^${name}-[sa]\\d+$`).test(e.name)) roots.add(`/${e.name}`);
    }
  }
  return [...roots];
}
