import { test } from 'node:test';
import assert from 'node:assert/strict';
import { components } from '../versions/table.ts';
import { debFileName, debianPinOf } from './plan-debian-pin.ts';

test('a Debian pin names package, version and the .deb hash per arch; other arches are missing with the reason', () => {
  const pin = debianPinOf(components.busybox, 'amd64');
  assert.ok(!('missing' in pin));
  assert.equal(pin.package, 'busybox-static');
  assert.match(pin.sha256, /^[0-9a-f]{64}$/);
  const arm = debianPinOf(components.busybox, 'arm64');
  assert.ok(!('missing' in arm) && arm.arch === 'arm64' && arm.sha256 !== pin.sha256);
  const rv = debianPinOf(components.busybox, 'riscv64');
  assert.ok('missing' in rv && /busybox-static .* riscv64/.test(rv.missing));
  assert.ok('missing' in debianPinOf(components.kubernetes, 'amd64'));
});

test('apt names the file with the epoch colon as %3a', () => {
  assert.equal(debFileName({ package: 'busybox-static', version: '1:1.35.0-4+deb12u1+b1', arch: 'amd64' }), 'busybox-static_1%3a1.35.0-4+deb12u1+b1_amd64.deb');
});
