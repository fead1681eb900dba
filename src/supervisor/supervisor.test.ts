import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { supervise } from './supervisor.ts';
import type { ProcessSpec } from './process-spec.ts';

const node = process.execPath;
const fast = { initialMs: 50, maxMs: 200, stableMs: 10_000 };
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Gone or a zombie waiting to be reaped by init (PID 1 here reaps slowly). */
async function isGone(pid: number): Promise<boolean> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return true;
  }
}

async function withDir(fn: (dir: string) => Promise<void>) {
  const dir = await mkdtemp(join(tmpdir(), 'rfo-sup-'));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const spec = (dir: string, script: string, stopTimeoutMs = 2000): ProcessSpec => ({
  name: 'child',
  binary: node,
  args: ['-e', script],
  env: { CHILD_VAR: 'yes' },
  logFile: join(dir, 'logs', 'child.log'),
  stopTimeoutMs,
  overridden: [],
});

test('a crashing process is restarted with backoff, and its output lands in its log', async () => {
  await withDir(async (dir) => {
    const s = supervise(spec(dir, 'console.log("run", process.env.CHILD_VAR, process.env.RFO_MANAGED); process.exit(3)'), { runDir: dir, backoff: fast });
    // Three crashes and restarts; each start of a node child can take a few hundred ms on a loaded host.
    for (const deadline = Date.now() + 20_000; s.restarts() < 3 && Date.now() < deadline; ) await wait(50);
    await s.stop();
    assert.ok(s.restarts() >= 3, `restarts: ${s.restarts()}`);
    const log = await readFile(join(dir, 'logs', 'child.log'), 'utf8');
    // the marker names the instance (its run dir), so killall stops only its own
    assert.ok(log.split('\n').includes(`run yes ${dir}`), log);
    assert.ok(log.split('\n').filter(Boolean).length >= 3);
  });
});

test('stop sends SIGTERM, and SIGKILL when the process ignores it; the pid file goes away', async () => {
  await withDir(async (dir) => {
    const s = supervise(spec(dir, 'process.on("SIGTERM", () => {}); setInterval(() => {}, 1000)', 300), { runDir: dir, backoff: fast });
    await wait(300);
    const pid = s.pid();
    assert.ok(pid);
    assert.equal((await readFile(join(dir, 'child.pid'), 'utf8')).trim(), String(pid));
    const t0 = Date.now();
    await s.stop();
    assert.ok(Date.now() - t0 >= 250, 'waited for the stop timeout before SIGKILL');
    assert.ok(await isGone(pid), 'the process is gone');
    await assert.rejects(stat(join(dir, 'child.pid')));
    assert.equal(s.restarts(), 0, 'a stopped process is not restarted');
  });
});

test('stop also reaches the process group (children of the child)', async () => {
  await withDir(async (dir) => {
    const script = `const c = require('node:child_process').spawn(process.execPath, ['-e', 'setInterval(()=>{},1000)'], { stdio: 'ignore' }); console.log('grandchild', c.pid); setInterval(() => {}, 1000)`;
    const s = supervise(spec(dir, script), { runDir: dir, backoff: fast });
    await wait(500);
    const log = await readFile(join(dir, 'logs', 'child.log'), 'utf8');
    const grandchild = Number(/grandchild (\d+)/.exec(log)?.[1]);
    assert.ok(grandchild > 0);
    await s.stop();
    await wait(100);
    assert.ok(await isGone(grandchild), 'grandchild stopped with the group');
  });
});

test("a component's output goes through rfo into a rotated 0600 log; it does not see rfo's token", async () => {
  await withDir(async (dir) => {
    process.env.RFO_TOKEN = 'K10x::server:do-not-leak';
    try {
      const script = 'for (let i = 0; i < 400; i++) { console.log("out", i, "x".repeat(60)); console.error("err", i, "y".repeat(60)); } console.log("token=" + (process.env.RFO_TOKEN ?? "none")); setInterval(() => {}, 1000)';
      const s = supervise(spec(dir, script), { runDir: dir, backoff: fast, logRotation: { maxBytes: 20_000, maxFiles: 3 } });
      await wait(800);
      await s.stop();
      const logs = (await readdir(join(dir, 'logs'))).sort();
      assert.deepEqual(logs, ['child.log', 'child.log.1', 'child.log.2']);
      let all = '';
      for (const f of logs) {
        const st = await stat(join(dir, 'logs', f));
        assert.equal(st.mode & 0o777, 0o600, f);
        assert.ok(st.size <= 20_000, `${f}: ${st.size}`);
        all += await readFile(join(dir, 'logs', f), 'utf8');
      }
      assert.match(all, /token=none/);
      assert.doesNotMatch(all, /do-not-leak/);
      // whole lines only: stdout and stderr lines never run into each other
      for (const l of all.split('\n').filter(Boolean)) assert.match(l, /^(out \d+ x{60}|err \d+ y{60}|token=none)$/);
    } finally {
      delete process.env.RFO_TOKEN;
    }
  });
});

test('restart replaces the child at once: a new pid in the pid file, the old one gone, not counted as a crash', async () => {
  await withDir(async (dir) => {
    // A slow backoff: were the restart handled as a crash, the new child would take 5 s.
    const s = supervise(spec(dir, 'console.log("up", process.pid); setInterval(() => {}, 1000)'), { runDir: dir, backoff: { initialMs: 5000, maxMs: 5000, stableMs: 10_000 } });
    await wait(300);
    const first = s.pid();
    assert.ok(first);
    const t0 = Date.now();
    await s.restart();
    await wait(300);
    const second = s.pid();
    assert.ok(second && second !== first, `pid ${String(second)} after ${first}`);
    assert.ok(Date.now() - t0 < 3000, 'no backoff delay');
    assert.ok(await isGone(first));
    assert.equal((await readFile(join(dir, 'child.pid'), 'utf8')).trim(), String(second));
    assert.equal(s.restarts(), 0);
    await s.stop();
    assert.ok(await isGone(second));
    const log = await readFile(join(dir, 'logs', 'child.log'), 'utf8');
    assert.equal(log.split('\n').filter((l) => l.startsWith('up ')).length, 2, 'both children wrote to the same log');
    await assert.rejects(s.restart(), /stopped/);
  });
});

test('restart of a child that ignores SIGTERM kills it after the timeout and still starts a new one', async () => {
  await withDir(async (dir) => {
    const s = supervise(spec(dir, 'process.on("SIGTERM", () => {}); setInterval(() => {}, 1000)', 200), { runDir: dir, backoff: fast });
    await wait(300);
    const first = s.pid();
    await s.restart();
    await wait(300);
    assert.ok(s.pid() && s.pid() !== first);
    assert.ok(first && (await isGone(first)));
    await s.stop();
  });
});

test('runAs: the child runs as that uid/gid, and the paths it owns are given to it before every start', { skip: process.getuid?.() !== 0 ? 'needs root' : false }, async () => {
  await withDir(async (dir) => {
    const { mkdir, writeFile } = await import('node:fs/promises');
    await mkdir(join(dir, 'data', 'member'), { recursive: true });
    await writeFile(join(dir, 'data', 'member', 'db'), 'x');
    await writeFile(join(dir, 'server.key'), 'k', { mode: 0o600 });
    const s = supervise(
      { name: 'child', binary: '/bin/sh', args: ['-c', 'echo "ids $(id -u) $(id -g) $(id -G)"; exec sleep 30'], env: {}, logFile: join(dir, 'logs', 'child.log'), stopTimeoutMs: 2000, overridden: [], runAs: { uid: 65534, gid: 65533, owns: [join(dir, 'data'), join(dir, 'server.key'), join(dir, 'not-there')] } },
      { runDir: dir, backoff: fast },
    );
    try {
      await wait(500);
      // the supplementary groups are dropped too: root's groups do not come along
      assert.match(await readFile(join(dir, 'logs', 'child.log'), 'utf8'), /ids 65534 65533 65533$/m);
      for (const p of ['data', 'data/member', 'data/member/db', 'server.key']) {
        const st = await stat(join(dir, p));
        assert.deepEqual([st.uid, st.gid], [65534, 65533], p);
      }
    } finally {
      await s.stop();
    }
  });
});
