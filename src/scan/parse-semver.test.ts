import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareSemver, semverLess } from './parse-semver.ts';

test('versions compare numerically, with or without v/go prefixes', () => {
  assert.ok(semverLess('0.9.0', '0.10.0'));
  assert.ok(semverLess('v1.26.8', 'go1.26.9'));
  assert.equal(compareSemver('v1.2.3', '1.2.3'), 0);
  assert.ok(semverLess('1.2', '1.2.1'), 'missing parts are zero');
});

test('a prerelease (pseudo-version) sorts before its release, numeric parts numerically', () => {
  assert.ok(semverLess('0.58.1-0.20261009181718-2f1f834330b2', '0.58.1'));
  assert.ok(semverLess('0.58.0', '0.58.1-0.20261009181718-2f1f834330b2'));
  assert.ok(semverLess('1.0.0-rc.2', '1.0.0-rc.10'));
  assert.ok(semverLess('1.0.0-2', '1.0.0-alpha'), 'numeric identifiers sort before alphanumeric');
});

test('an invalid version sorts first, as x/mod/semver does', () => {
  assert.ok(semverLess('', '0.0.1'));
  assert.ok(semverLess('garbage', '0.0.1'));
});
