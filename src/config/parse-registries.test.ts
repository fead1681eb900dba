import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRegistries, registryFiles } from './parse-registries.ts';
import { RfoError } from '../errors.ts';

const P = '/etc/rancher/rfo/registries.yaml';

test('RKE2\'s registries.yaml: mirrors in order, "*", configs with auth and tls', () => {
  const r = parseRegistries(
    [
      'mirrors:',
      '  docker.io:',
      '    endpoint: ["https://mirror.example.com:5000/", "http://10.0.0.5:5000/v2"]',
      '  "*":',
      '    endpoint: ["https://all.example.com/proxy/"]',
      'configs:',
      '  mirror.example.com:5000:',
      '    auth: { username: u, password: p }',
      '    tls: { ca_file: /etc/ssl/mirror-ca.pem, cert_file: /etc/ssl/c.pem, key_file: /etc/ssl/c.key }',
      '  "*":',
      '    tls: { insecure_skip_verify: true }',
    ].join('\n'),
    P,
  );
  assert.deepEqual(
    r.mirrors.get('docker.io')?.map((e) => e.url),
    ['https://mirror.example.com:5000', 'http://10.0.0.5:5000/v2'],
  );
  assert.equal(r.mirrors.get('docker.io')?.[1]?.scheme, 'http');
  assert.equal(r.mirrors.get('*')?.[0]?.path, '/proxy');
  assert.deepEqual(r.configs.get('mirror.example.com:5000')?.auth, { username: 'u', password: 'p' });
  assert.deepEqual(r.configs.get('*')?.tls, { insecureSkipVerify: true });
  assert.deepEqual(registryFiles(r), ['/etc/ssl/mirror-ca.pem', '/etc/ssl/c.pem', '/etc/ssl/c.key']);
});

test('an empty file is no registries', () => {
  const r = parseRegistries('', P);
  assert.equal(r.mirrors.size, 0);
  assert.equal(r.configs.size, 0);
});

test('bad registries.yaml is refused with RFO_CONFIG_INVALID naming the key and the file', () => {
  const cases: [string, RegExp][] = [
    ['mirrors: [', /not valid YAML/],
    ['- a', /must be a map/],
    ['mirror:\n  docker.io: {}', /unknown key \(top level\)\.mirror/],
    ['mirrors:\n  docker.io:\n    endpoint: ["mirror.example.com"]', /is not a URL/],
    ['mirrors:\n  docker.io:\n    endpoint: ["ftp://m.example.com"]', /not http or https/],
    ['mirrors:\n  docker.io:\n    endpoint: ["https://u:secret@m.example.com"]', /carries credentials/],
    ['mirrors:\n  docker.io:\n    endpoint: https://m.example.com', /must be a list/],
    ['mirrors:\n  "bad name!":\n    endpoint: []', /not a registry name/],
    ['mirrors:\n  docker.io:\n    endpoint: ["https://m.example.com"]\n    rewrite: {"^rancher/(.*)": "x/$1"}', /rewrite is not supported/],
    ['configs:\n  r.example.com:\n    auth: { username: u }', /username without a password/],
    ['configs:\n  r.example.com:\n    auth: { user: u }', /unknown key configs\.r\.example\.com\.auth\.user/],
    ['configs:\n  r.example.com:\n    tls: { ca_file: ca.pem }', /not an absolute path/],
    ['configs:\n  r.example.com:\n    tls: { cert_file: /c.pem }', /cert_file without key_file/],
    ['configs:\n  r.example.com:\n    tls: { insecure_skip_verify: "yes" }', /true or false/],
  ];
  for (const [text, message] of cases) {
    assert.throws(
      () => parseRegistries(text, P),
      (err: unknown) => err instanceof RfoError && err.code === 'RFO_CONFIG_INVALID' && message.test(err.message) && err.message.startsWith(P) && /nothing was started or written/.test(err.hint ?? ''),
      text,
    );
  }
});

test('a password in an endpoint URL is not repeated in the error', () => {
  assert.throws(
    () => parseRegistries('mirrors:\n  docker.io:\n    endpoint: ["https://u:s3cret@m.example.com"]', P),
    (err: unknown) => err instanceof RfoError && !err.message.includes('s3cret'),
  );
});
