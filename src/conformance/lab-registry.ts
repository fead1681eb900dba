// I/O shell: the conformance lab's registry (go/lab-registry) on the lab
// bridge, loaded with the stand-in images archive; see plan-lab-registry.ts.

import { spawn } from 'node:child_process';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { RfoError } from '../errors.ts';
import { runChecked } from '../util/exec.ts';

export interface LabRegistry {
  stop(): Promise<void>;
}

export interface StartLabRegistryOptions {
  readonly bin: string;
  /** An images archive (OCI layout, zstd tar): everything the registry serves. */
  readonly archive: string;
  readonly address: string;
  /** Holds the unpacked layout and the pushed blobs; both removed at stop. */
  readonly workDir: string;
  readonly log: (l: string) => void;
  /** Runs the registry under this command, e.g. nsenter into a test node's network namespace. */
  readonly prefix?: readonly string[];
  /** Every line the registry logs (its request log), as it comes. */
  readonly onLine?: (l: string) => void;
}

export async function startLabRegistry(o: StartLabRegistryOptions): Promise<LabRegistry> {
  const layout = join(o.workDir, 'registry-layout');
  const blobs = join(o.workDir, 'registry-blobs');
  await rm(layout, { recursive: true, force: true });
  await mkdir(layout, { recursive: true });
  await runChecked({ cmd: 'tar', args: ['--zstd', '-xf', o.archive, '-C', layout], purpose: 'unpacking the images for the lab registry' });
  const args = ['--address', o.address, '--blob-dir', blobs, '--layout', layout];
  const prefix = o.prefix ?? [];
  const child = spawn(prefix[0] ?? o.bin, prefix.length > 0 ? [...prefix.slice(1), o.bin, ...args] : args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const stderr: string[] = [];
  createInterface({ input: child.stderr }).on('line', (l) => {
    o.onLine?.(l);
    stderr.push(l);
    if (stderr.length > 20) stderr.shift();
  });
  const exited = new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? 1)));
  const ready = new Promise<void>((resolve) => createInterface({ input: child.stdout }).on('line', (l) => l.startsWith('ready ') && resolve()));
  const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 180_000).unref());
  const first = await Promise.race([ready.then(() => 'ready' as const), exited.then(() => 'exited' as const), timeout]);
  if (first !== 'ready') {
    child.kill('SIGKILL');
    throw new RfoError('RFO_LAB_NODE_FAILED', `the lab registry on ${o.address} ${first === 'timeout' ? 'was not ready in 180 s' : 'exited'}: ${stderr.slice(-5).join(' | ')}`, { hint: 'is the address free? see the lines above' });
  }
  o.log(`lab registry on http://${o.address}: ${stderr.find((l) => l.includes('pushed')) ?? 'ready'}`);
  return {
    stop: async () => {
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000).unref())]);
      child.kill('SIGKILL');
      await rm(blobs, { recursive: true, force: true });
      await rm(layout, { recursive: true, force: true });
    },
  };
}
