// A real S3 server for tests and benchmarks: versitygw (built from its Go
// module by buildTools) with the posix backend in a temp dir, optionally
// with TLS from a throwaway CA, optionally inside a test node's netns.

import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { toolPaths } from './tools.ts';
import { run } from '../../../src/util/exec.ts';

export interface TestS3 {
  readonly endpoint: string;
  readonly caFile: string | undefined;
  readonly accessKey: string;
  readonly secretKey: string;
  readonly dir: string;
  /** Stop the server (data kept), to simulate an outage. */
  pause(): Promise<void>;
  resume(): Promise<void>;
  stop(): Promise<void>;
}

export async function versitygwBinary(): Promise<string> {
  const bin = (await toolPaths(['versitygw'])).versitygw;
  if (!bin) throw new Error('buildTools did not return versitygw');
  return bin;
}

async function makeCa(dir: string): Promise<{ ca: string; cert: string; key: string }> {
  const f = (n: string) => join(dir, n);
  const ssl = async (args: string[]) => {
    const r = await run({ cmd: 'openssl', args });
    if (r.code !== 0) throw new Error(`openssl ${args.join(' ')}: ${r.stderr}`);
  };
  await ssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2', '-subj', '/CN=rfo-test-s3-ca', '-keyout', f('ca.key'), '-out', f('ca.crt')]);
  await ssl(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-subj', '/CN=127.0.0.1', '-keyout', f('tls.key'), '-out', f('tls.csr')]);
  await writeFile(f('ext.cnf'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  await ssl(['x509', '-req', '-in', f('tls.csr'), '-CA', f('ca.crt'), '-CAkey', f('ca.key'), '-CAcreateserial', '-days', '2', '-extfile', f('ext.cnf'), '-out', f('tls.crt')]);
  return { ca: f('ca.crt'), cert: f('tls.crt'), key: f('tls.key') };
}

export async function startS3(opts: { tls: boolean; port: number; prefix?: readonly string[]; waitReady?: (port: number) => Promise<boolean> }): Promise<TestS3> {
  const bin = await versitygwBinary();
  const dir = await mkdtemp('/var/tmp/rfo-s3-');
  await mkdir(join(dir, 'data'));
  const tls = opts.tls ? await makeCa(dir) : undefined;
  const accessKey = 'rfo-test-access';
  const secretKey = 'rfo-test-secret-never-logged';
  const args = ['--port', `127.0.0.1:${opts.port}`, ...(tls ? ['--cert', tls.cert, '--key', tls.key] : []), 'posix', join(dir, 'data')];
  let child: ChildProcess | undefined;
  let log = '';
  const prefix = opts.prefix ?? [];
  const ready = opts.waitReady ?? ((port: number) => new Promise<boolean>((resolve) => {
    const s = connect(port, '127.0.0.1', () => { s.destroy(); resolve(true); });
    s.on('error', () => resolve(false));
  }));
  const start = async () => {
    const cmd = prefix[0] ?? bin;
    const argv = prefix.length ? [...prefix.slice(1), bin, ...args] : args;
    child = spawn(cmd, argv, { env: { ...process.env, ROOT_ACCESS_KEY: accessKey, ROOT_SECRET_KEY: secretKey }, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout?.on('data', (d: Buffer) => (log += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (log += d.toString()));
    const deadline = Date.now() + 20_000;
    while (!(await ready(opts.port))) {
      if (child.exitCode !== null || Date.now() > deadline) throw new Error(`versitygw did not start:\n${log}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  };
  const halt = async () => {
    const c = child;
    if (!c || c.exitCode !== null) return;
    const exited = new Promise((r) => c.once('exit', r));
    c.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    if (c.exitCode === null) c.kill('SIGKILL');
  };
  await start();
  return {
    endpoint: `127.0.0.1:${opts.port}`,
    caFile: tls?.ca,
    accessKey,
    secretKey,
    dir,
    pause: halt,
    resume: start,
    async stop() {
      await halt();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
