// The one adapter for running external programs (go, gcc, ctr...). It
// captures output, keeps a tail of stderr for error messages, and turns a
// missing program into a typed RFO_TOOL_MISSING error instead of a bare ENOENT.

import { spawn } from 'node:child_process';
import { RfoError } from '../errors.ts';

export interface ExecSpec {
  readonly cmd: string;
  readonly args: readonly string[];
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** What this command is for, used in error messages ("building etcd"). */
  readonly purpose?: string;
  readonly input?: string | Buffer;
}

export interface ExecResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

const maxCapture = 4 * 1024 * 1024;

/** Run a command to completion; never throws for a non-zero exit (callers decide). */
export function run(spec: ExecSpec): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(spec.cmd, [...spec.args], {
      cwd: spec.cwd,
      env: spec.env ?? process.env,
      stdio: [spec.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d: Buffer) => {
      if (stdout.length < maxCapture) stdout += d.toString();
    });
    child.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (stderr.length > maxCapture) stderr = stderr.slice(-maxCapture / 2);
    });
    if (spec.input !== undefined) child.stdin?.end(spec.input);
    child.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') {
        reject(
          new RfoError('RFO_TOOL_MISSING', `${spec.cmd} is not installed or not on PATH${spec.purpose ? ` (needed for ${spec.purpose})` : ''}`, {
            hint: toolHint(spec.cmd),
            cause: err,
          }),
        );
      } else reject(err);
    });
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr }));
  });
}

/** Run and require exit 0; the error carries the last lines of stderr. */
export async function runChecked(spec: ExecSpec): Promise<ExecResult> {
  const result = await run(spec);
  if (result.code !== 0) {
    throw new RfoError('RFO_BUILD_FAILED', `${spec.purpose ?? spec.cmd} failed (exit ${result.code}):\n${tail(result.stderr || result.stdout, 30)}`, {
      details: { cmd: spec.cmd, args: spec.args },
    });
  }
  return result;
}

export function tail(text: string, lines: number): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

function toolHint(cmd: string): string {
  switch (cmd) {
    case 'go':
      return 'install Go 1.26 (the version in src/versions/table.ts) and put it on PATH; .ci/run shows how';
    case 'gcc':
    case 'cc':
      return 'install gcc and libc6-dev (apt-get install -y gcc libc6-dev)';
    default:
      return `install ${cmd} and put it on PATH`;
  }
}
