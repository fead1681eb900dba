import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { recoverLeftovers } from './recover-leftovers.ts';

const forever = 'setInterval(() => {}, 1000)';

async function running(pid: number): Promise<boolean> {
  const st = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  return st !== '' && !st.slice(st.lastIndexOf(')') + 2).startsWith('Z');
}

/** A detached process (as a dead rfo's orphans are: not waiting on anyone). */
function start(argv0: string, args: string[], env: Record<string, string>): number {
  const child = spawn(process.execPath, args, { argv0, detached: true, stdio: 'ignore', env: { PATH: process.env.PATH ?? '', ...env } });
  child.unref();
  assert.ok(child.pid);
  return child.pid;
}

async function withRunDir(fn: (dir: string, cleanup: number[]) => Promise<void>) {
  const dir = await mkdtemp(join(tmpdir(), 'rfo-recover-'));
  const cleanup: number[] = [];
  try {
    await fn(dir, cleanup);
  } finally {
    for (const pid of cleanup) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
    await rm(dir, { recursive: true, force: true });
  }
}

test("a dead rfo's components are stopped (one ignoring SIGTERM is killed); its shim and the container under it keep running", { timeout: 30_000 }, async () => {
  await withRunDir(async (dir, cleanup) => {
    const marker = { RFO_MANAGED: dir };
    const etcd = start('/fake/bin/etcd', ['-e', forever], marker);
    const stubborn = start('/fake/bin/kubelet', ['-e', `process.on('SIGTERM', () => {}); ${forever}`], marker);
    // A shim (containerd passes its environment on) and a container process under it.
    const shim = start('/fake/bin/containerd-shim-runc-v2', ['-e', `const c = require('node:child_process').spawn(process.execPath, ['-e', ${JSON.stringify(forever)}], { stdio: 'ignore', env: {} }); console.log(c.pid); ${forever}`], marker);
    const other = start('/fake/bin/etcd', ['-e', forever], { RFO_MANAGED: `${dir}-another-instance` });
    cleanup.push(etcd, stubborn, shim, other);
    await new Promise((r) => setTimeout(r, 400));
    const container = (await readFile(`/proc/${shim}/task/${shim}/children`, 'utf8')).trim().split(' ').map(Number)[0] ?? 0;
    assert.ok(container > 0, 'the shim has a child');
    cleanup.push(container);
    await writeFile(join(dir, 'etcd.pid'), `${etcd}\n`);
    await writeFile(join(dir, 'rfo.pid'), '999999\n');
    const logs: string[] = [];
    const t0 = Date.now();
    await recoverLeftovers(dir, (m) => logs.push(m));
    assert.ok(!(await running(etcd)), 'etcd stopped');
    assert.ok(!(await running(stubborn)), 'the SIGTERM-ignoring component was killed');
    assert.ok(Date.now() - t0 >= 9_000, 'the stubborn one got its SIGTERM grace first');
    assert.ok(await running(shim), 'the shim keeps running');
    assert.ok(await running(container), 'the container keeps running');
    assert.ok(await running(other), "another instance's process is not touched");
    assert.match(logs.join('\n'), /left 2 process\(es\): etcd \d+, kubelet \d+; stopping them to start fresh \(2 pod process\(es\) under containerd shims keep running\)/);
    assert.deepEqual((await readdir(dir)).sort(), ['rfo.pid'], 'stale component pid files are removed');
  });
});

test('a live rfo of the same run dir is refused, and nothing of it is stopped', { timeout: 30_000 }, async () => {
  await withRunDir(async (dir, cleanup) => {
    // Looks like `rfo server` in the process table: <root>/src/cli/main.ts server.
    await mkdir(join(dir, 'src', 'cli'), { recursive: true });
    await writeFile(join(dir, 'src', 'cli', 'main.ts'), `${forever};\n`);
    const rfo = start(process.execPath, [join(dir, 'src', 'cli', 'main.ts'), 'server'], {});
    const kubelet = start('/fake/bin/kubelet', ['-e', forever], { RFO_MANAGED: dir });
    cleanup.push(rfo, kubelet);
    await new Promise((r) => setTimeout(r, 400));
    await writeFile(join(dir, 'rfo.pid'), `${rfo}\n`);
    await assert.rejects(recoverLeftovers(dir, () => undefined), (err: Error & { code?: string; hint?: string }) => {
      assert.equal(err.code, 'RFO_USAGE');
      assert.match(err.message, new RegExp(`another rfo is running for run dir ${dir} \\(pid ${rfo}\\)`));
      assert.match(err.hint ?? '', /stop it first/);
      return true;
    });
    assert.ok(await running(kubelet), "the live rfo's component is not touched");
  });
});
