import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createFailureLog } from './failure-log.ts';

test('a failure is logged once while it repeats, again when it changes, and its end once', () => {
  const lines: string[] = [];
  const f = createFailureLog((m) => lines.push(m));
  f.ok('listing nodes'); // never failed: nothing to say
  f.fail('listing nodes', 'connection refused');
  f.fail('listing nodes', 'connection refused');
  f.fail('labelling', 'forbidden'); // steps are independent
  f.fail('listing nodes', '503 ServiceUnavailable');
  f.ok('listing nodes');
  f.ok('listing nodes');
  f.fail('listing nodes', 'connection refused'); // a new outage is logged again
  assert.deepEqual(lines, [
    'listing nodes failed: connection refused',
    'labelling failed: forbidden',
    'listing nodes failed: 503 ServiceUnavailable',
    'listing nodes works again',
    'listing nodes failed: connection refused',
  ]);
});
