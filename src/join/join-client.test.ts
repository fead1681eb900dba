import { test } from 'node:test';
import assert from 'node:assert/strict';
import { verifyCa } from './join-client.ts';
import { caHashOf } from './token.ts';

const ca = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

test('a token with the CA hash accepts that CA only', () => {
  const logs: string[] = [];
  verifyCa({ caHash: caHashOf(ca), username: 'server', password: 'p' }, ca, (m) => logs.push(m));
  assert.deepEqual(logs, []);
  assert.throws(() => verifyCa({ caHash: caHashOf('another CA'), username: 'server', password: 'p' }, ca, () => undefined), (err: Error & { code?: string }) => err.code === 'RFO_CA_MISMATCH' && /not the one this token was issued for/.test(err.message));
});

test('a bare password cannot check the CA and says so', () => {
  const logs: string[] = [];
  verifyCa({ password: 'just-a-password' }, ca, (m) => logs.push(m));
  assert.equal(logs.length, 1);
  assert.match(logs[0] ?? '', /CA was not verified/);
});
