import { test } from 'node:test';
import assert from 'node:assert/strict';
import { comparePaths, planLayerEntries } from './layer-entries.ts';

const file = (path: string, mode = 0o644) => ({ path, content: Buffer.from(path), mode });

test('parent directories are created, listed before their contents, paths relative and sorted', () => {
  const entries = planLayerEntries({ files: [file('/usr/local/bin/x', 0o755), file('/a'), file('/usr/lib/y')], symlinks: [{ path: '/bin', target: 'usr/bin' }] });
  assert.deepEqual(
    entries.map((e) => `${e.type}:${e.path}`),
    ['file:a', 'symlink:bin', 'dir:usr', 'dir:usr/lib', 'file:usr/lib/y', 'dir:usr/local', 'dir:usr/local/bin', 'file:usr/local/bin/x'],
  );
  const seen = new Set<string>();
  for (const e of entries) {
    const parent = e.path.split('/').slice(0, -1).join('/');
    assert.ok(parent === '' || seen.has(parent), `${e.path} comes before its parent`);
    seen.add(e.path);
  }
});

test('the order does not depend on the order of the spec', () => {
  const files = [file('/etc/b'), file('/etc/a'), file('/z'), file('/etc-x/c')];
  const names = (fs: typeof files) => planLayerEntries({ files: fs }).map((e) => e.path);
  assert.deepEqual(names(files), names([...files].reverse()));
  assert.deepEqual(names(files), ['etc', 'etc/a', 'etc/b', 'etc-x', 'etc-x/c', 'z']);
});

test('explicit directories keep their mode; implicit ones are 0755', () => {
  const entries = planLayerEntries({ files: [file('/tmp/x'), file('/etc/y')], dirs: [{ path: '/tmp', mode: 0o1777 }] });
  assert.deepEqual(entries.filter((e) => e.type === 'dir').map((e) => [e.path, e.mode]), [['etc', 0o755], ['tmp', 0o1777]]);
});

test('conflicting or unsafe paths are refused', () => {
  assert.throws(() => planLayerEntries({ files: [file('/a'), file('a')] }), { code: 'RFO_IMAGE_INVALID', message: /listed more than once/ });
  assert.throws(() => planLayerEntries({ files: [file('/a'), file('/a/b')] }), { code: 'RFO_IMAGE_INVALID', message: /\/a is a file but also the parent/ });
  assert.throws(() => planLayerEntries({ files: [file('/b/x')], symlinks: [{ path: '/b', target: 'usr/bin' }] }), { code: 'RFO_IMAGE_INVALID', message: /symlink/ });
  for (const bad of ['/../etc/passwd', '/a/./b', '/a//b', '/', '']) assert.throws(() => planLayerEntries({ files: [file(bad)] }), { code: 'RFO_IMAGE_INVALID' }, bad);
});

test('paths compare component by component', () => {
  assert.ok(comparePaths('a/b', 'a-b') < 0);
  assert.ok(comparePaths('a', 'a/b') < 0);
  assert.equal(comparePaths('x/y', 'x/y'), 0);
});
