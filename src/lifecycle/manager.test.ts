import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { manageComponents, startComponents } from './manager.ts';
import type { Component } from './manager.ts';
import { planStartOrder } from './plan-start-order.ts';
import { isRfoError, RfoError } from '../errors.ts';
import { stepComponent } from './kinds.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A fake component that records what happened to it, in one shared journal. */
function fake(journal: string[], name: string, o: { after?: string[]; startMs?: number; readyMs?: number; failStart?: boolean; neverReady?: boolean; readyTimeoutMs?: number; logFile?: string } = {}): Component {
  return {
    name,
    ...(o.after ? { after: o.after } : {}),
    ...(o.logFile ? { logFile: o.logFile } : {}),
    ...(o.readyTimeoutMs ? { readyTimeoutMs: o.readyTimeoutMs } : {}),
    async start() {
      journal.push(`start ${name}`);
      await sleep(o.startMs ?? 0);
      if (o.failStart) throw new Error(`${name} cannot start`);
    },
    async ready(signal) {
      if (o.neverReady) {
        await new Promise<void>((_, reject) => signal.addEventListener('abort', () => reject(new Error('aborted'))));
      }
      await sleep(o.readyMs ?? 0);
      journal.push(`ready ${name}`);
    },
    stop() {
      journal.push(`stop ${name}`);
      return Promise.resolve();
    },
  };
}

const quiet = { log: () => undefined };

test('dependencies are ready before their dependents start; stop is reverse start order', async () => {
  const j: string[] = [];
  const started = await startComponents([fake(j, 'etcd', { readyMs: 20 }), fake(j, 'apiserver', { after: ['etcd'] }), fake(j, 'scheduler', { after: ['apiserver'] })], quiet);
  assert.deepEqual(j, ['start etcd', 'ready etcd', 'start apiserver', 'ready apiserver', 'start scheduler', 'ready scheduler']);
  assert.deepEqual(started.order, ['etcd', 'apiserver', 'scheduler']);
  j.length = 0;
  await started.stop();
  assert.deepEqual(j, ['stop scheduler', 'stop apiserver', 'stop etcd']);
});

test('independent components start in parallel: containerd does not wait for the apiserver', async () => {
  const j: string[] = [];
  await startComponents([fake(j, 'etcd', { readyMs: 60 }), fake(j, 'apiserver', { after: ['etcd'], readyMs: 60 }), fake(j, 'containerd', { readyMs: 10 }), fake(j, 'kubelet', { after: ['containerd', 'apiserver'] })], quiet);
  assert.ok(j.indexOf('ready containerd') < j.indexOf('ready etcd'), j.join(', '));
  assert.ok(j.indexOf('start kubelet') > j.indexOf('ready apiserver'));
  assert.ok(j.indexOf('start kubelet') > j.indexOf('ready containerd'));
});

test('a failure rolls back: what started is stopped in reverse, what waited never starts, the error names the component and its log', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'rfo-mgr-'));
  try {
    const logFile = join(dir, 'kube-apiserver.log');
    await writeFile(logFile, `${Array.from({ length: 30 }, (_, i) => `line ${i + 1}`).join('\n')}\n`);
    const j: string[] = [];
    await assert.rejects(
      startComponents([fake(j, 'etcd'), fake(j, 'kube-apiserver', { after: ['etcd'], neverReady: true, readyTimeoutMs: 100, logFile }), fake(j, 'containerd'), fake(j, 'kubelet', { after: ['kube-apiserver', 'containerd'] })], quiet),
      (e) => {
        assert.ok(isRfoError(e));
        assert.equal(e.code, 'RFO_COMPONENT_FAILED');
        assert.match(e.message, /kube-apiserver failed to start: kube-apiserver not ready after 0s/);
        assert.match(e.message, /line 30$/);
        assert.doesNotMatch(e.message, /line 15\n/);
        assert.equal(e.hint, `see ${logFile}`);
        return true;
      },
    );
    assert.ok(!j.includes('start kubelet'));
    // Started etcd, containerd (parallel), then kube-apiserver once etcd was ready: stopped in reverse.
    assert.deepEqual(j.filter((l) => l.startsWith('start')), ['start etcd', 'start containerd', 'start kube-apiserver']);
    assert.deepEqual(j.filter((l) => l.startsWith('stop')), ['stop kube-apiserver', 'stop containerd', 'stop etcd']);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a start that throws is reported as such and rolled back', async () => {
  const j: string[] = [];
  await assert.rejects(startComponents([fake(j, 'a'), fake(j, 'b', { after: ['a'], failStart: true })], quiet), /b failed to start: b cannot start/);
  assert.deepEqual(j.slice(-2), ['stop b', 'stop a']);
});

test('inconsistent component lists are refused before anything starts', async () => {
  assert.deepEqual(planStartOrder([{ name: 'a' }, { name: 'b', after: ['a'] }, { name: 'c' }]), { ok: true, stages: [['a', 'c'], ['b']] });
  assert.match((planStartOrder([{ name: 'a' }, { name: 'a' }]) as { error: string }).error, /declared twice/);
  assert.match((planStartOrder([{ name: 'a', after: ['x'] }]) as { error: string }).error, /waits for x/);
  assert.match((planStartOrder([{ name: 'a', after: ['b'] }, { name: 'b', after: ['a'] }]) as { error: string }).error, /cycle: a, b/);
  const j: string[] = [];
  await assert.rejects(startComponents([fake(j, 'a', { after: ['a'] })], quiet), /cycle/);
  assert.deepEqual(j, []);
});

test('stop during the start aborts what waits, stops what started in reverse, and nothing starts after it', async () => {
  const j: string[] = [];
  const m = manageComponents([fake(j, 'etcd'), fake(j, 'kube-apiserver', { after: ['etcd'], neverReady: true }), fake(j, 'kubelet', { after: ['kube-apiserver'] })], quiet);
  await sleep(30);
  await m.stop();
  await assert.rejects(m.ready, /rfo is stopping/);
  assert.ok(!j.includes('start kubelet'));
  assert.deepEqual(j.filter((l) => l.startsWith('stop')), ['stop kube-apiserver', 'stop etcd']);
  await m.stop();
  assert.equal(j.filter((l) => l === 'stop etcd').length, 1, 'a second stop does not stop twice');
});

test('restart(name) restarts that component only; unknown, unstarted and non-process components are refused', async () => {
  const j: string[] = [];
  const restartable = (name: string, after?: string[]): Component => ({ ...fake(j, name, after ? { after } : {}), restart: () => Promise.resolve(void j.push(`restart ${name}`)) });
  const m = manageComponents([restartable('etcd'), restartable('apiserver', ['etcd']), restartable('scheduler', ['apiserver']), fake(j, 'step', { after: ['etcd'] })], quiet);
  await m.ready;
  j.length = 0;
  await m.restart('apiserver');
  assert.deepEqual(j, ['restart apiserver'], 'neither its dependencies nor its dependents are touched');
  await assert.rejects(m.restart('nope'), (err: unknown) => isRfoError(err) && /no such component/.test(err.message));
  await assert.rejects(m.restart('step'), (err: unknown) => isRfoError(err) && /not a process/.test(err.message));
  await m.stop();
  await assert.rejects(m.restart('etcd'), /rfo is stopping/);
});

test('restart of a component that has not started yet is refused', async () => {
  const j: string[] = [];
  const m = manageComponents([fake(j, 'slow', { readyMs: 300 }), { ...fake(j, 'later', { after: ['slow'] }), restart: () => Promise.resolve() }], quiet);
  await assert.rejects(m.restart('later'), /has not started/);
  await m.ready;
  await m.restart('later');
  await m.stop();
});

test("a component's own typed error keeps its hint (the fix it names), wrapped in RFO_COMPONENT_FAILED", async () => {
  const step = stepComponent('secrets-encryption', () => Promise.reject(new RfoError('RFO_CONFIG_INVALID', 'cannot open the bootstrap data', { hint: 'use the cluster token' })));
  await assert.rejects(startComponents([step], quiet), (e) => {
    assert.ok(isRfoError(e));
    assert.deepEqual([e.code, e.hint], ['RFO_COMPONENT_FAILED', 'use the cluster token']);
    assert.match(e.message, /secrets-encryption failed to start: cannot open the bootstrap data/);
    return true;
  });
});
