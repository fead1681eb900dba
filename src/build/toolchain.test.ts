import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkGoVersion, pinnedGoEnv } from './toolchain.ts';
import { goToolchain } from '../versions/table.ts';

test('every go command runs the pinned toolchain, whatever the caller had set', () => {
  assert.equal(pinnedGoEnv({ GOTOOLCHAIN: 'local', PATH: '/bin' }).GOTOOLCHAIN, goToolchain);
  assert.equal(pinnedGoEnv({ PATH: '/bin' }).PATH, '/bin');
});

test('a host Go that ignored GOTOOLCHAIN (before 1.21) is refused with the fix named', () => {
  assert.equal(checkGoVersion('go1.26.11', 'go1.26.11'), 'go1.26.11');
  assert.throws(() => checkGoVersion('go1.19.8', 'go1.26.11'), (err: Error & { code?: string; hint?: string }) => err.code === 'RFO_TOOLCHAIN' && /setup-host\.sh/.test(err.hint ?? ''));
});

test('the pinned toolchain is a 1.26 or 1.27 release', () => {
  assert.match(goToolchain, /^go1\.2[67]\.\d+$/);
});
