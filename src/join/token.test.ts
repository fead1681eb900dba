import { test } from 'node:test';
import assert from 'node:assert/strict';
import { caHashOf, formatToken, parseToken } from './token.ts';

const hash = caHashOf('-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');

test('full tokens round-trip', () => {
  const text = formatToken({ caHash: hash, username: 'server', password: 'p4ss:word' });
  assert.match(text, /^K10[0-9a-f]{64}::server:p4ss:word$/);
  assert.deepEqual(parseToken(`${text}\n`), { caHash: hash, username: 'server', password: 'p4ss:word' });
});

test('a bare password is a token without CA hash or user', () => {
  assert.deepEqual(parseToken('secret'), { password: 'secret' });
});

test('a hash with a bootstrap-style credential keeps it as the password', () => {
  assert.deepEqual(parseToken(`K10${hash}::abcdef.0123456789abcdef`), { caHash: hash, password: 'abcdef.0123456789abcdef' });
});

test('malformed tokens are refused without echoing them', () => {
  for (const bad of ['', `K10${hash.slice(2)}::server:x`, `K10${hash}::server:`, `K10${hash}::`, 'X10abc::server:pw']) {
    assert.throws(() => parseToken(bad), (err: Error & { code?: string }) => {
      assert.equal(err.code, 'RFO_CONFIG_INVALID');
      if (bad.length > 3) assert.ok(!err.message.includes(bad), 'token must not be echoed');
      return true;
    });
  }
});

test('the CA hash is the sha256 of the PEM bytes', () => {
  assert.equal(caHashOf('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
});
