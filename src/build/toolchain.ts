// Facts about the build host's toolchains, gathered once and passed to the
// pure planner (they are part of every cache key). The Go toolchain is the
// pinned one (table.ts goToolchain): the go command fetches it itself the
// first time (GOTOOLCHAIN=goN.M.P through `go env GOPROXY`), so any host Go
// from 1.21 on can start it.

import { RfoError } from '../errors.ts';
import { run, runChecked } from '../util/exec.ts';
import { goToolchain } from '../versions/table.ts';
import type { ToolchainFacts } from './plan-build.ts';

/** The environment for every go command rfo runs: the pinned toolchain, nothing a go.mod asks for. */
export function pinnedGoEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return { ...env, GOTOOLCHAIN: goToolchain };
}

/** Pure: the go command must have switched to the pinned toolchain; Go before 1.21 ignores GOTOOLCHAIN. */
export function checkGoVersion(reported: string, pinned: string = goToolchain): string {
  if (reported !== pinned) {
    throw new RfoError('RFO_TOOLCHAIN', `the go command reports ${reported || 'nothing'}, not the pinned ${pinned}`, {
      hint: 'the host Go must be 1.21 or newer to fetch the pinned toolchain itself: run `bash scripts/setup-host.sh`',
    });
  }
  return reported;
}

export async function readToolchain(): Promise<ToolchainFacts> {
  const go = await runChecked({ cmd: 'go', args: ['env', 'GOVERSION'], env: pinnedGoEnv(), purpose: `fetching/reading the Go toolchain ${goToolchain}` });
  let cc = 'none';
  try {
    const gcc = await run({ cmd: 'gcc', args: ['--version'] });
    if (gcc.code === 0) cc = gcc.stdout.split('\n')[0]?.trim() ?? 'gcc';
  } catch {
    cc = 'none'; // a missing C compiler only matters for C/cgo artifacts, which check for it
  }
  return { go: checkGoVersion(go.stdout.trim()), cc };
}
