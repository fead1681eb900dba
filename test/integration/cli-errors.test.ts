// Bad command lines fail fast with typed errors and touch nothing.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { run } from '../../src/util/exec.ts';
import { repoRoot } from '../../src/build/paths.ts';

const rfo = join(repoRoot, 'bin', 'rfo');

test('an unknown command is a usage error with a hint', async () => {
  const r = await run({ cmd: rfo, args: ['serve'] });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /RFO_USAGE\]: unknown command "serve"\n {2}hint: run `rfo help`/);
});

test('killall refuses unknown flags before stopping anything', async () => {
  const r = await run({ cmd: rfo, args: ['killall', '--config', '/dev/null', '--data-dri', '/tmp/x'] });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /RFO_CONFIG_INVALID\]: invalid configuration:\n {2}command line: --data-dri: unknown flag for rfo server/);
  assert.doesNotMatch(r.stderr, /killall: stopped/);
});
