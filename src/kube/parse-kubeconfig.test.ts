import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderKubeconfig } from '../render/kubeconfig.ts';
import { parseKubeconfig } from './parse-kubeconfig.ts';
import { isRfoError } from '../errors.ts';

const resolve = (p: string) => `/base/${p}`;

test('reads the embedded credentials rfo writes', () => {
  const text = renderKubeconfig({ server: 'https://127.0.0.1:6443/', caPem: 'CA', certPem: 'CERT', keyPem: 'KEY' });
  const c = parseKubeconfig(text, 'x', resolve);
  assert.equal(c.server, 'https://127.0.0.1:6443');
  assert.equal(c.caPem, 'CA');
  assert.equal(c.certPem, 'CERT');
  assert.equal(c.keyPem, 'KEY');
  assert.deepEqual(c.files, {});
});

test('file references are resolved against the kubeconfig directory; tokens and contexts', () => {
  const text = `
apiVersion: v1
kind: Config
current-context: b
clusters:
- name: c1
  cluster: { server: https://10.0.0.1:6443, certificate-authority: ca.crt }
users:
- name: u1
  user: { token: abc }
contexts:
- name: a
  context: { cluster: nope, user: u1 }
- name: b
  context: { cluster: c1, user: u1 }
`;
  const c = parseKubeconfig(text, 'x', resolve);
  assert.equal(c.server, 'https://10.0.0.1:6443');
  assert.equal(c.token, 'abc');
  assert.deepEqual(c.files, { ca: '/base/ca.crt' });
  assert.throws(() => parseKubeconfig(text, 'x', resolve, 'a'), (e) => isRfoError(e) && /no cluster named "nope"/.test(e.message));
});

test('broken kubeconfigs give typed errors', () => {
  for (const [text, re] of [
    ['{', /not valid YAML/],
    ['apiVersion: v1', /no current-context/],
    ['current-context: x\ncontexts: []', /no context named "x"/],
    ['current-context: x\ncontexts: [{name: x, context: {cluster: c}}]\nclusters: [{name: c, cluster: {server: ftp://x}}]', /no https server URL/],
  ] as const) {
    assert.throws(() => parseKubeconfig(text, 'f.yaml', resolve), (e) => isRfoError(e) && e.code === 'RFO_CONFIG_INVALID' && re.test(e.message), text);
  }
});
