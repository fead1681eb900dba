// Facts about the build host's toolchains, gathered once and passed to the
// pure planner (they are part of every cache key).

import { run, runChecked } from '../util/exec.ts';
import type { ToolchainFacts } from './plan-build.ts';

export async function readToolchain(): Promise<ToolchainFacts> {
  const go = await runChecked({ cmd: 'go', args: ['env', 'GOVERSION'], env: { ...process.env, GOTOOLCHAIN: 'local' }, purpose: 'reading the Go version' });
  let cc = 'none';
  try {
    const gcc = await run({ cmd: 'gcc', args: ['--version'] });
    if (gcc.code === 0) cc = gcc.stdout.split('\n')[0]?.trim() ?? 'gcc';
  } catch {
    cc = 'none'; // a missing C compiler only matters for C/cgo artifacts, which check for it
  }
  return { go: go.stdout.trim(), cc };
}
