// Runs the arm64 runc on an (emulated) arm64 machine: qemu-system-aarch64
// boots Debian's arm64 kernel with an initramfs of busybox-static:arm64, our
// runc and the pause image's root file system, and the init script runs the
// container with runc and reports on the serial console. qemu-user cannot do
// this: runc's nsexec forks with clone(CLONE_PARENT), which qemu-user refuses
// (EINVAL, "unable to spawn stage-1"), so runc only answers --version/spec there.

import { spawn } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readImages } from '../../../src/images/read-archive.ts';
import { iterateTar } from '../../../src/util/tar-reader.ts';
import { writeCpio } from './cpio.ts';
import type { CpioEntry } from './cpio.ts';

export interface VmFiles {
  readonly dir: string;
  readonly kernelPackage: string;
}

/** The kernel and busybox scripts/setup-cross.sh arm64 --vm unpacked into the cache. */
export async function findVmFiles(cacheDir: string): Promise<VmFiles> {
  const base = join(cacheDir, 'cross', 'arm64', 'vm');
  const dirs = (await readdir(base)).filter((d) => d.startsWith('linux-image-') && !d.endsWith('.partial')).sort();
  const last = dirs.at(-1);
  if (!last) throw new Error(`no arm64 kernel under ${base}: run bash scripts/setup-cross.sh arm64 --vm`);
  return { dir: join(base, last), kernelPackage: (await readFile(join(base, last, 'done'), 'utf8')).trim().replace(/\n/g, ' ') };
}

/** The pause image's root file system (from its per-arch archive) as initramfs entries under /bundle/rootfs. */
function rootfsEntries(imageArchive: Buffer): CpioEntry[] {
  const [image] = readImages(imageArchive);
  if (!image) throw new Error('no image in the archive');
  const out: CpioEntry[] = [{ type: 'dir', path: 'bundle/rootfs' }];
  for (const layer of image.built.layers) {
    for (const e of iterateTar(layer.data, 'pause layer')) {
      const path = `bundle/rootfs/${e.name.replace(/^\.?\/*/, '').replace(/\/$/, '')}`;
      if (e.type === 'dir') out.push({ type: 'dir', path, mode: e.mode });
      else if (e.type === 'file') out.push({ type: 'file', path, content: Buffer.from(e.content), mode: e.mode });
      else if (e.type === 'symlink') out.push({ type: 'symlink', path, target: e.linkname });
    }
  }
  return out;
}

const init = `#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin
mkdir -p /proc /sys /dev /run /tmp
mount -t proc proc /proc; mount -t sysfs sysfs /sys; mount -t devtmpfs devtmpfs /dev; mount -t tmpfs tmpfs /run
mount -t cgroup2 cgroup2 /sys/fs/cgroup
echo "RFO machine: $(uname -m) $(uname -r)"
/runc --version | sed 's/^/RFO runc: /'
cd /bundle
/runc --root /run/runc run -d --no-pivot --pid-file /run/pause.pid pause >/run/pause.out 2>&1
echo "RFO run exit: $?"
sleep 2
echo "RFO state: $(/runc --root /run/runc state pause | tr -d '\\n ')"
pid=$(cat /run/pause.pid)
echo "RFO process: $(tr '\\0' ' ' < /proc/$pid/cmdline)uid=$(awk '/^Uid:/ {print $2}' /proc/$pid/status) seccomp=$(awk '/^Seccomp:/ {print $2}' /proc/$pid/status) exe=$(readlink /proc/$pid/exe)"
/runc --root /run/runc kill pause TERM
sleep 2
echo "RFO after TERM: $(/runc --root /run/runc state pause | tr -d '\\n ')"
echo "RFO pause output: $(cat /run/pause.out | tr '\\n' ' ')"
/runc --root /run/runc delete pause && echo "RFO delete: ok"
echo RFO done
poweroff -f
`;

export interface VmRun {
  readonly console: string;
  readonly seconds: number;
  /** The lines the init script printed, "RFO key: value" → key → value. */
  readonly report: Map<string, string>;
}

export async function runPauseInVm(vm: VmFiles, runcPath: string, bundleConfig: Buffer, pauseArchive: Buffer, timeoutMs: number): Promise<VmRun> {
  const initramfs = writeCpio([
    ...['bin', 'proc', 'sys', 'dev', 'run', 'tmp', 'bundle'].map((path): CpioEntry => ({ type: 'dir', path })),
    { type: 'file', path: 'bin/busybox', content: await readFile(join(vm.dir, 'busybox')), mode: 0o755 },
    { type: 'file', path: 'init', content: Buffer.from(init), mode: 0o755 },
    { type: 'file', path: 'runc', content: await readFile(runcPath), mode: 0o755 },
    { type: 'file', path: 'bundle/config.json', content: bundleConfig },
    ...rootfsEntries(pauseArchive),
  ]);
  const { writeFile, mkdtemp, rm } = await import('node:fs/promises');
  const work = await mkdtemp('/var/tmp/rfo-arm64-vm-');
  await writeFile(join(work, 'initramfs.cpio'), initramfs);
  const started = Date.now();
  try {
    const console = await new Promise<string>((resolve, reject) => {
      const child = spawn(
        'qemu-system-aarch64',
        ['-M', 'virt', '-cpu', 'cortex-a57', '-nic', 'none', '-smp', '1', '-m', '512', '-nographic', '-no-reboot', '-kernel', join(vm.dir, 'vmlinuz'), '-initrd', join(work, 'initramfs.cpio'), '-append', 'console=ttyAMA0 rdinit=/init panic=-1 quiet'],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (out += d.toString()));
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`the arm64 VM did not finish in ${timeoutMs / 1000} s:\n${out.slice(-3000)}`));
      }, timeoutMs);
      child.on('error', reject);
      child.on('close', () => {
        clearTimeout(timer);
        resolve(out);
      });
    });
    const report = new Map<string, string>();
    for (const line of console.split(/\r?\n/)) {
      const m = /^RFO ([^:]+): ?(.*)$/.exec(line.trim());
      if (m?.[1]) report.set(m[1], m[2] ?? '');
    }
    return { console, seconds: Math.round((Date.now() - started) / 100) / 10, report };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
