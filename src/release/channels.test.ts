import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderChannels } from './channels.ts';

test('channels: stable, latest and the minor each name the release, one per line', () => {
  const text = renderChannels(['v1.36.3+rfor1'], '1.36');
  assert.deepEqual(JSON.parse(text), { stable: 'v1.36.3+rfor1', latest: 'v1.36.3+rfor1', 'v1.36': 'v1.36.3+rfor1' });
  assert.match(text, /^ {2}"v1\.36": "v1\.36\.3\+rfor1"$/m);
  assert.throws(() => renderChannels(['1.36'], '1.36'), /not a vX\.Y\.Z\+rforN version/);
  assert.throws(() => renderChannels([], '1.36'), /at least one version/);
});

test('three minors in one tree: each minor its newest patch, stable the default minor, latest the newest', () => {
  const text = renderChannels(['v1.37.2+rfor1', 'v1.35.4+rfor1', 'v1.36.3+rfor1', 'v1.36.1+rfor2', 'v1.36.3+rfor2', 'v1.35.10+rfor1'], '1.36');
  assert.deepEqual(JSON.parse(text), { stable: 'v1.36.3+rfor2', latest: 'v1.37.2+rfor1', 'v1.35': 'v1.35.10+rfor1', 'v1.36': 'v1.36.3+rfor2', 'v1.37': 'v1.37.2+rfor1' });
  assert.deepEqual(Object.keys(JSON.parse(text) as object), ['stable', 'latest', 'v1.35', 'v1.36', 'v1.37']);
});

test('a tree without the stable minor yet: stable is the newest older release, never a newer minor', () => {
  assert.equal((JSON.parse(renderChannels(['v1.35.4+rfor1', 'v1.37.2+rfor1'], '1.36')) as { stable: string }).stable, 'v1.35.4+rfor1');
  assert.equal((JSON.parse(renderChannels(['v1.37.2+rfor1'], '1.36')) as { stable: string }).stable, 'v1.37.2+rfor1');
});
