import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseEncryptRequest } from './parse-encrypt-request.ts';
import { parseLoadedHash } from './parse-loaded-hash.ts';

test('RKE2 wire bodies parse; anything else is refused by field', () => {
  assert.deepEqual(parseEncryptRequest('{"stage":"prepare","force":false}'), { ok: true, request: { op: 'stage', stage: 'prepare', force: false, skip: false } });
  assert.deepEqual(parseEncryptRequest('{"stage":"reencrypt_active","force":true,"skip":true}'), { ok: true, request: { op: 'stage', stage: 'reencrypt_active', force: true, skip: true } });
  assert.deepEqual(parseEncryptRequest('{"enable":false}'), { ok: true, request: { op: 'toggle', enable: false, force: false } });
  for (const [body, err] of [
    ['', /not JSON/],
    ['[]', /not a JSON object/],
    ['{"stage":"start"}', /stage must be one of/],
    ['{"stage":"prepare","enable":true}', /either stage or enable/],
    ['{"force":"yes","stage":"rotate"}', /force must be true or false/],
    ['{"stage":"rotate","keys":["x"]}', /unknown field\(s\): keys/],
  ] as const) {
    const r = parseEncryptRequest(body);
    assert.ok(!r.ok && err.test(r.error), `${body}: ${JSON.stringify(r)}`);
  }
});

test("the loaded configuration's hash is read from kube-apiserver's metrics", () => {
  const text = [
    '# HELP apiserver_encryption_config_controller_last_config_info [ALPHA] Information about the last applied encryption configuration',
    '# TYPE apiserver_encryption_config_controller_last_config_info gauge',
    'apiserver_encryption_config_controller_last_config_info{apiserver_id_hash="sha256:aa",hash="sha256:0123"} 1',
    'apiserver_request_total{code="200"} 5',
  ].join('\n');
  assert.equal(parseLoadedHash(text), 'sha256:0123');
  assert.equal(parseLoadedHash('apiserver_request_total 1\n'), undefined);
});
