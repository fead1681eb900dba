import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A real rfo-like process: two supervised components (real children), run until a signal or a crash. */
const program = (dir: string, trigger: string) => `
import { supervise } from ${JSON.stringify(new URL('../supervisor/supervisor.ts', import.meta.url).pathname)};
import { runUntilSignal } from ${JSON.stringify(new URL('./run-until-signal.ts', import.meta.url).pathname)};
const log = (m) => process.stderr.write(m + '\\n');
const spec = (name) => ({ name, binary: process.execPath, args: ['-e', 'setInterval(() => {}, 1000)'], env: {}, logFile: ${JSON.stringify(dir)} + '/' + name + '.log', stopTimeoutMs: 2000, overridden: [] });
const running = [supervise(spec('first'), { runDir: ${JSON.stringify(dir)} }), supervise(spec('second'), { runDir: ${JSON.stringify(dir)} })];
const stop = async () => { for (const p of [...running].reverse()) { log('stopping ' + p.name); await p.stop(); } };
const ready = new Promise((r) => setTimeout(r, 300)).then(() => console.log(JSON.stringify(running.map((p) => p.pid()))));
void runUntilSignal({ ready, stop }, log);
ready.then(() => { ${trigger} });
`;

async function isGone(pid: number): Promise<boolean> {
  const st = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  return st === '' || st.slice(st.lastIndexOf(')') + 2).startsWith('Z');
}

async function runCase(trigger: string, signal?: NodeJS.Signals): Promise<{ code: number | null; stderr: string; pids: number[] }> {
  const dir = await mkdtemp(join(tmpdir(), 'rfo-signal-'));
  try {
    const proc = spawn(process.execPath, ['--input-type=module', '-e', program(dir, trigger)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const pids = await new Promise<number[]>((resolve, reject) => {
      proc.stdout.once('data', (d: Buffer) => resolve(JSON.parse(d.toString()) as number[]));
      proc.once('exit', () => reject(new Error(`exited before ready:\n${stderr}`)));
    });
    const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
    if (signal) proc.kill(signal);
    const code = await exited;
    return { code, stderr, pids };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

for (const [what, trigger, signal, code, says] of [
  ['SIGHUP', '', 'SIGHUP', 129, /SIGHUP: stopping components in reverse order, then exiting 129/],
  ['an uncaught exception', "setTimeout(() => { throw new Error('boom in a timer'); }, 50);", undefined, 1, /uncaught exception: Error: boom in a timer/],
  ['an unhandled rejection', "setTimeout(() => { void Promise.reject(new Error('lost promise')); }, 50);", undefined, 1, /unhandled promise rejection: Error: lost promise/],
  ['SIGTERM', '', 'SIGTERM', 0, /SIGTERM: stopping components in reverse order$/m],
] as const) {
  test(`${what}: rfo logs it, stops its components in reverse order and exits ${code}; no child is left`, async () => {
    const r = await runCase(trigger, signal);
    assert.equal(r.code, code, r.stderr);
    assert.match(r.stderr, says);
    assert.ok(r.stderr.indexOf('stopping second') < r.stderr.indexOf('stopping first'), `reverse order:\n${r.stderr}`);
    assert.equal(r.pids.length, 2);
    for (const pid of r.pids) assert.ok(await isGone(pid), `component ${pid} still runs`);
  });
}
