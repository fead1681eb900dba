import { test } from 'node:test';
import assert from 'node:assert/strict';
import { waitFor } from './probes.ts';

test('waitFor returns once the check holds, and names the thing and the last error at its deadline', async () => {
  let n = 0;
  await waitFor('x', () => Promise.resolve(++n >= 3), 5_000, 1);
  assert.equal(n, 3);
  await assert.rejects(waitFor('etcd', () => Promise.reject(new Error('connection refused')), 30, 5), /etcd not ready after 0s: connection refused/);
});

test('an abort (rfo stopping during its start) ends the wait at once, not at the deadline', async () => {
  const stop = new AbortController();
  const t0 = Date.now();
  setTimeout(() => stop.abort(), 50);
  await assert.rejects(waitFor('kube-apiserver', () => Promise.resolve(false), 60_000, 10_000, stop.signal), /kube-apiserver: rfo is stopping/);
  assert.ok(Date.now() - t0 < 2_000, `took ${Date.now() - t0} ms`);
});
