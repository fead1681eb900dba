import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseMinorArg } from './build-minor.ts';

test('--minor/--version name a maintained minor and leave the other arguments', () => {
  assert.deepEqual(parseMinorArg(['--dist', 'D', '--minor', '1.37']), { minor: '1.37', rest: ['--dist', 'D'] });
  assert.deepEqual(parseMinorArg(['--minor=v1.35']), { minor: '1.35', rest: [] });
  assert.deepEqual(parseMinorArg(['--version', 'v1.36.3+rfor2', '--arch', 'amd64']), { minor: '1.36', rest: ['--arch', 'amd64'] });
  assert.deepEqual(parseMinorArg(['--minor', 'all', '--dist', 'D']), { minor: 'all', rest: ['--dist', 'D'] });
  assert.deepEqual(parseMinorArg([]), { rest: [] });
});

test('an unknown minor, a version this checkout does not pin, or a missing value is refused', () => {
  assert.throws(() => parseMinorArg(['--minor', '1.20']), /not a maintained minor/);
  assert.throws(() => parseMinorArg(['--version', 'v1.36.0+rfor1']), /pins v1\.36\.3/);
  assert.throws(() => parseMinorArg(['--minor']), /needs a value/);
  assert.throws(() => parseMinorArg(['--version', 'all']), /not a maintained minor/);
});
