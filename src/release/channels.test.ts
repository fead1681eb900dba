import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderChannels } from './channels.ts';

test('channels: stable, latest and the minor each name the release, one per line', () => {
  const text = renderChannels('v1.36.3+rfor1');
  assert.deepEqual(JSON.parse(text), { stable: 'v1.36.3+rfor1', latest: 'v1.36.3+rfor1', 'v1.36': 'v1.36.3+rfor1' });
  assert.match(text, /^ {2}"v1\.36": "v1\.36\.3\+rfor1"$/m);
  assert.throws(() => renderChannels('1.36'), /not a vX\.Y\.Z\+rforN version/);
});
