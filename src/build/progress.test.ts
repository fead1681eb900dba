import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createProgress, formatElapsed } from './progress.ts';

test('elapsed time is short for seconds and m/s for minutes', () => {
  assert.equal(formatElapsed(1234), '1.2s');
  assert.equal(formatElapsed(59_900), '59.9s');
  assert.equal(formatElapsed(61_000), '1m01s');
  assert.equal(formatElapsed(20 * 60_000 + 5_000), '20m05s');
});

test('progress lines carry elapsed time, component and state', () => {
  const lines: string[] = [];
  let t = 1000;
  const p = createProgress((l) => lines.push(l), () => t);
  t = 3500;
  p.step('etcd', 'building', 'v3.6.16');
  assert.equal(lines[0], '[   2.5s] etcd         building v3.6.16');
});

test('a heartbeat is printed while a long step runs', async () => {
  const lines: string[] = [];
  const p = createProgress((l) => lines.push(l), Date.now, 20);
  await p.during('kubernetes', 'building kubernetes', () => new Promise((r) => setTimeout(r, 70)));
  assert.ok(lines.length >= 2, `expected heartbeats, got ${lines.length}`);
  assert.match(lines[0] ?? '', /kubernetes\s+still building kubernetes \(/);
  const count = lines.length;
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(lines.length, count, 'heartbeat stops when the step ends');
});
