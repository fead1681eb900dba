import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultBackoff, nextDelayMs } from './backoff.ts';

test('restarts back off exponentially up to the cap', () => {
  const delays = [1, 2, 3, 4, 5, 6, 7].map((a) => nextDelayMs(defaultBackoff, a, 100).delayMs);
  assert.deepEqual(delays, [1000, 2000, 4000, 8000, 16000, 30000, 30000]);
});

test('a stable run resets the backoff', () => {
  assert.deepEqual(nextDelayMs(defaultBackoff, 6, 61_000), { delayMs: 1000, attempt: 1 });
});
