// Starts the runtime's own containerd on a private socket and state
// directory, so tests use the real daemon without touching a host install.

import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile, readFile, access } from 'node:fs/promises';
import { join } from 'node:path';
import { run } from '../../../src/util/exec.ts';
import type { ExecResult } from '../../../src/util/exec.ts';
import type { BuiltRuntime } from './runtime.ts';

export interface TestContainerd {
  readonly socket: string;
  readonly dir: string;
  ctr(args: readonly string[]): Promise<ExecResult>;
  stop(): Promise<void>;
}

export async function startContainerd(runtime: BuiltRuntime): Promise<TestContainerd> {
  // Under /var/tmp rather than /tmp: overlayfs needs a real file system for its upper dirs.
  const dir = await mkdtemp('/var/tmp/rfo-containerd-');
  const socket = join(dir, 'containerd.sock');
  const config = [
    'version = 4',
    `root = "${dir}/root"`,
    `state = "${dir}/state"`,
    // CRI is not needed to import images and run containers; leaving it out keeps the test focused.
    'disabled_plugins = ["io.containerd.grpc.v1.cri", "io.containerd.cri.v1.runtime", "io.containerd.cri.v1.images"]',
    "[plugins.'io.containerd.server.v1.grpc']",
    `  address = "${socket}"`,
    "[plugins.'io.containerd.server.v1.ttrpc']",
    `  address = "${socket}.ttrpc"`,
    '',
  ].join('\n');
  await writeFile(join(dir, 'config.toml'), config);
  const env = { ...process.env, PATH: `${join(runtime.dir, 'bin')}:${process.env.PATH ?? '/usr/bin:/bin'}` };
  const child: ChildProcess = spawn(runtime.bin('containerd'), ['--config', join(dir, 'config.toml')], {
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: true,
  });
  let log = '';
  child.stderr?.on('data', (d: Buffer) => {
    log += d.toString();
  });
  const ctr = (args: readonly string[]) => run({ cmd: runtime.bin('ctr'), args: ['--address', socket, ...args], env });
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`containerd exited ${child.exitCode}:\n${log.slice(-3000)}`);
    try {
      await access(socket);
      if ((await ctr(['version'])).code === 0) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`containerd did not start in 30s:\n${log.slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    socket,
    dir,
    ctr,
    async stop() {
      if (child.pid && child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        process.kill(-child.pid, 'SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
        if (child.exitCode === null) process.kill(-child.pid, 'SIGKILL');
      }
      // Shims and mounts of killed containers would keep the dir busy.
      const mounts = await readFile('/proc/mounts', 'utf8');
      for (const line of mounts.split('\n').reverse()) {
        const target = line.split(' ')[1];
        if (target?.startsWith(dir)) await run({ cmd: 'umount', args: ['-l', target] });
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
