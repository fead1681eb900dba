// binfmt_misc registrations for qemu-user, made by a test and removed by it.
// Debian's qemu-user-static ships the magic/mask lines (/usr/lib/binfmt.d);
// we register them under names of our own (rfo-test-<arch>) with the F flag
// (the interpreter is opened now, so it also runs inside a container's root),
// and leave any registration someone else made alone.

import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { run } from '../../../src/util/exec.ts';

const root = '/proc/sys/fs/binfmt_misc';
const qemuName: Record<string, string> = { arm64: 'aarch64', riscv64: 'riscv64' };

export interface BinfmtRegistration {
  readonly names: readonly string[];
  remove(): Promise<void>;
}

export async function registerQemu(arches: readonly string[]): Promise<BinfmtRegistration> {
  let mounted = false;
  if (!existsSync(`${root}/register`)) {
    const m = await run({ cmd: 'mount', args: ['-t', 'binfmt_misc', 'binfmt_misc', root] });
    if (m.code !== 0) throw new Error(`mounting binfmt_misc: ${m.stderr}`);
    mounted = true;
  }
  const names: string[] = [];
  const remove = async () => {
    for (const name of names) if (existsSync(`${root}/${name}`)) await writeFile(`${root}/${name}`, '-1');
    // Unmount only what we mounted, and only when nothing else got registered meanwhile.
    if (mounted) {
      const left = (await run({ cmd: 'ls', args: [root] })).stdout.split('\n').filter((n) => n && n !== 'register' && n !== 'status');
      if (left.length === 0) await run({ cmd: 'umount', args: [root] });
    }
  };
  try {
    for (const arch of arches) {
      const q = qemuName[arch];
      if (!q) throw new Error(`no qemu for ${arch}`);
      const line = (await readFile(`/usr/lib/binfmt.d/qemu-${q}.conf`, 'utf8')).trim();
      const name = `rfo-test-${arch}`;
      if (existsSync(`${root}/${name}`)) await writeFile(`${root}/${name}`, '-1'); // a stale one from a killed run
      const fields = line.split(':'); // :name:type:offset:magic:mask:interpreter:flags
      fields[1] = name;
      if (!(fields[7] ?? '').includes('F')) fields[7] = `${fields[7] ?? ''}F`;
      await writeFile(`${root}/register`, fields.join(':'));
      names.push(name);
    }
  } catch (err) {
    await remove();
    throw err;
  }
  return { names, remove };
}

export async function registeredNames(): Promise<string[]> {
  if (!existsSync(`${root}/register`)) return [];
  return (await run({ cmd: 'ls', args: [root] })).stdout.split('\n').filter((n) => n && n !== 'register' && n !== 'status');
}
