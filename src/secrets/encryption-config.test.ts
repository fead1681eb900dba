import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encryptionConfigHash, etcdPrefixOf, keyName, parseEncryptionConfig, renderEncryptionConfig } from './encryption-config.ts';
import type { EncryptionModel } from './encryption-config.ts';

const k = (type: 'aescbc' | 'secretbox', name: string, fill: number) => ({ type, name, secret: Buffer.alloc(32, fill).toString('base64') });

test('render → parse keeps the model; consecutive keys of one type form one provider; identity last when enabled, first when not', () => {
  const m: EncryptionModel = { enabled: true, keys: [k('secretbox', 'secretboxkey-2026-12-05T10:00:00Z', 1), k('aescbc', 'aescbckey', 2), k('aescbc', 'aescbckey-x', 3)] };
  const text = renderEncryptionConfig(m);
  const doc = JSON.parse(text) as { resources: { resources: string[]; providers: Record<string, unknown>[] }[] };
  assert.deepEqual(doc.resources[0]?.resources, ['secrets']);
  assert.deepEqual(doc.resources[0]?.providers.map((p) => Object.keys(p)[0]), ['secretbox', 'aescbc', 'identity']);
  assert.deepEqual(parseEncryptionConfig(text), m);
  const off = renderEncryptionConfig({ ...m, enabled: false });
  assert.deepEqual((JSON.parse(off) as typeof doc).resources[0]?.providers.map((p) => Object.keys(p)[0]), ['identity', 'secretbox', 'aescbc']);
  assert.equal(parseEncryptionConfig(off).enabled, false);
  assert.equal(renderEncryptionConfig(m), text, 'stable bytes, so a stable hash');
  assert.match(encryptionConfigHash(text), /^sha256:[0-9a-f]{64}$/);
});

test('the etcd prefix names the provider and the active key; none when disabled', () => {
  assert.equal(etcdPrefixOf({ enabled: true, keys: [k('aescbc', 'aescbckey', 1)] }), 'k8s:enc:aescbc:v1:aescbckey:');
  assert.equal(etcdPrefixOf({ enabled: true, keys: [k('secretbox', 'secretboxkey', 1)] }), 'k8s:enc:secretbox:v1:secretboxkey:');
  assert.equal(etcdPrefixOf({ enabled: false, keys: [k('aescbc', 'aescbckey', 1)] }), undefined);
});

test('key names: the first is plain, later ones carry their UTC creation second (RKE2)', () => {
  assert.equal(keyName('aescbc', undefined), 'aescbckey');
  assert.equal(keyName('secretbox', new Date('2026-12-05T16:01:02.345Z')), 'secretboxkey-2026-12-05T16:01:02Z');
});

test('a file rfo would not write is refused by what is wrong with it', () => {
  const good = JSON.parse(renderEncryptionConfig({ enabled: true, keys: [k('aescbc', 'aescbckey', 1)] })) as { resources: { resources: string[]; providers: unknown[] }[] };
  const variant = (f: (d: typeof good) => void) => {
    const d = structuredClone(good);
    f(d);
    return JSON.stringify(d);
  };
  const cases: [string, RegExp][] = [
    ['not json', /not JSON/],
    [variant((d) => (d.resources[0]!.resources = ['secrets', 'configmaps'])), /only "secrets"/],
    [variant((d) => (d.resources[0]!.providers = [{ aesgcm: { keys: [] } }, { identity: {} }])), /aesgcm is not supported/],
    [variant((d) => (d.resources[0]!.providers = [{ aescbc: { keys: [{ name: 'a', secret: 'c2hvcnQ=' }] } }, { identity: {} }])), /not 32 bytes/],
    [variant((d) => d.resources[0]!.providers.splice(0, 0, { identity: {} })), /identity must appear once/],
    [variant((d) => d.resources[0]!.providers.splice(2, 0, { aescbc: { keys: [{ name: 'b', secret: Buffer.alloc(32).toString('base64') }] } })), /first or the last/],
    [variant((d) => (d.resources[0]!.providers = [{ identity: {} }])), /no encryption key/],
  ];
  for (const [text, err] of cases) assert.throws(() => parseEncryptionConfig(text), (e: Error) => err.test(e.message) && (e as { code?: string }).code === 'RFO_ENCRYPTION_CONFIG_INVALID', text);
});
