import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isRfoError } from '../errors.ts';
import { debianFilesFor, planDebianFiles } from './plan-debian-files.ts';
import type { DebEntry } from './plan-debian-files.ts';

const libs: DebEntry[] = [
  { type: 'dir', path: '/usr/lib/x86_64-linux-gnu/' },
  { type: 'file', path: '/usr/lib/x86_64-linux-gnu/libmnl.so.0.2.0', mode: 0o100644, content: Buffer.from('elf') },
  { type: 'symlink', path: '/usr/lib/x86_64-linux-gnu/libmnl.so.0', target: 'libmnl.so.0.2.0' },
  { type: 'file', path: '/usr/share/doc/libmnl0/copyright', mode: 0o644, content: Buffer.from('c') },
];

test('a directory path takes everything under it, files with their mode, symlinks as they are', () => {
  const out = planDebianFiles('x:1', [{ package: 'libmnl0', paths: ['/usr/lib/x86_64-linux-gnu/'] }], new Map([['libmnl0', libs]]));
  assert.deepEqual(
    out.files.map((f) => [f.path, f.mode]),
    [['/usr/lib/x86_64-linux-gnu/libmnl.so.0.2.0', 0o644]],
  );
  assert.deepEqual(out.symlinks, [{ path: '/usr/lib/x86_64-linux-gnu/libmnl.so.0', target: 'libmnl.so.0.2.0' }]);
  assert.deepEqual(out.packages, ['libmnl0']);
});

test('a path the package lacks is a typed error naming package and path', () => {
  assert.throws(
    () => planDebianFiles('x:1', [{ package: 'libmnl0', paths: ['/usr/sbin/mnl'] }], new Map([['libmnl0', libs]])),
    (e: unknown) => isRfoError(e) && e.code === 'RFO_IMAGE_INVALID' && /libmnl0 has no \/usr\/sbin\/mnl/.test(e.message),
  );
});

test('{triplet} becomes the arch directory and arch-only entries drop out elsewhere', () => {
  const list = [
    { package: 'a', paths: ['/usr/lib/{triplet}/'] },
    { package: 'b', paths: ['/lib64/ld-linux-x86-64.so.2'], arches: ['amd64' as const] },
  ];
  assert.deepEqual(debianFilesFor(list, 'amd64'), [
    { package: 'a', paths: ['/usr/lib/x86_64-linux-gnu/'] },
    { package: 'b', paths: ['/lib64/ld-linux-x86-64.so.2'] },
  ]);
  assert.deepEqual(debianFilesFor(list, 'arm64'), [{ package: 'a', paths: ['/usr/lib/aarch64-linux-gnu/'] }]);
});
