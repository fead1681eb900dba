import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultBackoff, failureDelay, forgetQuiet, recordFailure, recordSuccess } from './plan-auth-backoff.ts';
import type { FailureTable } from './plan-auth-backoff.ts';

const p = { freeFailures: 3, baseDelayMs: 100, maxDelayMs: 1_000, forgetAfterMs: 60_000, maxSources: 3 };

test('the first failures are free, then each doubles the delay up to the cap', () => {
  const table: FailureTable = new Map();
  const delays = Array.from({ length: 9 }, (_, i) => recordFailure(table, '10.0.0.1', i, p).delayMs);
  assert.deepEqual(delays, [0, 0, 0, 100, 200, 400, 800, 1000, 1000]);
  assert.equal(failureDelay(1_000_000, p), 1000, 'no overflow for huge counts');
  assert.equal(failureDelay(defaultBackoff.freeFailures + 1, defaultBackoff), defaultBackoff.baseDelayMs);
});

test('another source is not slowed by one that fails', () => {
  const table: FailureTable = new Map();
  for (let i = 0; i < 10; i++) recordFailure(table, '10.0.0.1', i, p);
  assert.equal(recordFailure(table, '10.0.0.2', 10, p).delayMs, 0);
});

test('a success forgets the source; so does a quiet spell', () => {
  const table: FailureTable = new Map();
  for (let i = 0; i < 6; i++) recordFailure(table, 'a', i, p);
  recordSuccess(table, 'a');
  assert.equal(recordFailure(table, 'a', 10, p).failures, 1);
  for (let i = 0; i < 6; i++) recordFailure(table, 'b', 100 + i, p);
  assert.equal(recordFailure(table, 'b', 100 + 5 + 60_001, p).failures, 1, 'counted from zero after forgetAfterMs');
});

test('the table never holds more than maxSources, dropping the longest-quiet source first', () => {
  const table: FailureTable = new Map();
  for (let i = 0; i < 6; i++) recordFailure(table, 'busy', i, p);
  recordFailure(table, 'x', 10, p);
  recordFailure(table, 'y', 11, p);
  recordFailure(table, 'busy', 12, p); // busy is now the newest
  recordFailure(table, 'z', 13, p);
  assert.deepEqual([...table.keys()], ['y', 'busy', 'z']);
  assert.equal(table.get('busy')?.failures, 7);
  for (let i = 0; i < 10_000; i++) recordFailure(table, `10.1.${i >> 8}.${i & 255}`, 20 + i, p);
  assert.equal(table.size, 3);
});

test('forgetQuiet drops only the sources quiet for forgetAfterMs', () => {
  const table: FailureTable = new Map();
  recordFailure(table, 'old', 0, p);
  recordFailure(table, 'new', 50_000, p);
  forgetQuiet(table, 70_000, p);
  assert.deepEqual([...table.keys()], ['new']);
});

test('only the free failures, the first held back and then every power of two are logged', () => {
  const table: FailureTable = new Map();
  const logged = Array.from({ length: 40 }, (_, i) => recordFailure(table, 'a', i, p)).filter((d) => d.log).map((d) => d.failures);
  assert.deepEqual(logged, [1, 2, 3, 4, 8, 16, 32]);
});
