import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSnapshotArgs } from './parse-snapshot-args.ts';

test('verbs, aliases, flags with values, bool flags and names', () => {
  assert.deepEqual(parseSnapshotArgs(['ls', '-o', 'json', '--s3', '--s3-bucket', 'b']), { verb: 'list', flags: ['-o', 'json', '--s3', '--s3-bucket', 'b'], names: [] });
  assert.deepEqual(parseSnapshotArgs(['rm', '--dir=/x', 'a-n1-1700000000', '--compress', 'b-n1-1700000000']), { verb: 'delete', flags: ['--dir=/x', '--compress'], names: ['a-n1-1700000000', 'b-n1-1700000000'] });
  assert.equal(parseSnapshotArgs(['restore']).verb, undefined);
  assert.deepEqual(parseSnapshotArgs(['save', '--name', 'pre-upgrade']).flags, ['--name', 'pre-upgrade']);
});
