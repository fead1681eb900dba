// Waiting on an `rfo server` the test spawned: ready when its log says so,
// failed when it exits first or takes too long (its output is in the error).

import type { ChildProcess } from 'node:child_process';

export function untilReady(proc: ChildProcess, output: () => string, timeoutMs = 300_000, marker = 'rfo is ready'): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`rfo not ready in ${timeoutMs / 1000}s:\n${output()}`)), timeoutMs);
    const check = setInterval(() => {
      if (output().includes(marker)) {
        clearTimeout(timer);
        clearInterval(check);
        resolve();
      }
    }, 200);
    proc.once('exit', (code) => {
      clearTimeout(timer);
      clearInterval(check);
      reject(new Error(`rfo exited ${code}:\n${output()}`));
    });
  });
}

/** SIGTERM and wait for the exit (rfo stops its components first). */
export async function stopProcess(proc: ChildProcess | undefined): Promise<void> {
  if (!proc || proc.exitCode !== null) return;
  const exited = new Promise((r) => proc.once('exit', r));
  proc.kill('SIGTERM');
  await exited;
}
