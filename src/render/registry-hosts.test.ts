import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRegistries } from '../config/parse-registries.ts';
import { renderRegistryCriLines, renderRegistryHosts } from './registry-hosts.ts';

const parse = (lines: string[]) => parseRegistries(lines.join('\n'), '/r.yaml');

test('mirrors become hosts.toml entries in order, the registry itself last as server', () => {
  const r = parse([
    'mirrors:',
    '  docker.io:',
    '    endpoint: ["https://mirror.example.com:5000", "http://10.0.0.5:5000/cache", "https://registry-1.docker.io"]',
    'configs:',
    '  mirror.example.com:5000:',
    '    tls: { ca_file: /etc/ssl/ca.pem, cert_file: /etc/ssl/c.pem, key_file: /etc/ssl/c.key }',
  ]);
  const { hosts } = renderRegistryHosts(r, { disableDefaultEndpoint: false });
  // docker.io's mirrors, and the mirror's own TLS for images named by the mirror's host.
  assert.deepEqual(hosts.map((h) => h.dir), ['docker.io', 'mirror.example.com:5000']);
  const text = hosts[0]?.text ?? '';
  assert.match(text, /^server = "https:\/\/registry-1\.docker\.io"$/m);
  const first = text.indexOf('[host."https://mirror.example.com:5000/v2"]');
  const second = text.indexOf('[host."http://10.0.0.5:5000/cache"]');
  assert.ok(first > 0 && second > first, text);
  // The registry's own address is not listed as a mirror (it is the server).
  assert.doesNotMatch(text, /\[host\."https:\/\/registry-1/);
  // A path other than /v2 is the API root as written; no path means /v2.
  assert.match(text.slice(second), /override_path = true/);
  assert.doesNotMatch(text.slice(first, second), /override_path/);
  assert.match(text.slice(first, second), /ca = "\/etc\/ssl\/ca\.pem"\n {2}client = \[\["\/etc\/ssl\/c\.pem", "\/etc\/ssl\/c\.key"\]\]/);
  assert.match(text, /capabilities = \["pull", "resolve"\]/);
});

test('disable-default-registry-endpoint: the last mirror takes the server place, the registry is never dialled', () => {
  const r = parse(['mirrors:', '  registry.k8s.io:', '    endpoint: ["http://10.197.89.1:5000", "https://m2.example.com"]']);
  const on = renderRegistryHosts(r, { disableDefaultEndpoint: true }).hosts[0]?.text ?? '';
  assert.match(on, /^server = "https:\/\/m2\.example\.com\/v2"$/m);
  assert.match(on, /\[host\."http:\/\/10\.197\.89\.1:5000\/v2"\]/);
  assert.doesNotMatch(on, /registry\.k8s\.io"/);
  const off = renderRegistryHosts(r, { disableDefaultEndpoint: false }).hosts[0]?.text ?? '';
  assert.match(off, /^server = "https:\/\/registry\.k8s\.io"$/m);
});

test('"*" is containerd\'s _default dir, with no fixed server', () => {
  const r = parse(['mirrors:', '  "*":', '    endpoint: ["https://all.example.com"]']);
  const h = renderRegistryHosts(r, { disableDefaultEndpoint: false }).hosts;
  assert.equal(h[0]?.dir, '_default');
  assert.doesNotMatch(h[0]?.text ?? '', /^server/m);
});

test('a registry with only TLS settings gets a hosts.toml; credentials go to the CRI config, by host', () => {
  const r = parse([
    'mirrors:',
    '  docker.io:',
    '    endpoint: ["https://mirror.example.com"]',
    'configs:',
    '  private.example.com:5443:',
    '    tls: { ca_file: /etc/ssl/p.pem }',
    '    auth: { username: alice, password: "p\\"w" }',
    '  "*":',
    '    auth: { identitytoken: tok }',
  ]);
  const out = renderRegistryHosts(r, { disableDefaultEndpoint: false });
  const priv = out.hosts.find((h) => h.dir === 'private.example.com:5443');
  assert.match(priv?.text ?? '', /^server = "https:\/\/private\.example\.com:5443"\nca = "\/etc\/ssl\/p\.pem"$/m);
  assert.deepEqual(
    out.auths.map((a) => a.host),
    ['docker.io', 'mirror.example.com', 'private.example.com:5443'],
  );
  const lines = renderRegistryCriLines('/d/certs.d', out.auths).join('\n');
  assert.match(lines, /config_path = "\/d\/certs\.d"/);
  assert.match(lines, /registry\.configs\."private\.example\.com:5443"\.auth\]\n {6}username = "alice"\n {6}password = "p\\"w"/);
  assert.match(lines, /registry\.configs\."mirror\.example\.com"\.auth\]\n {6}identitytoken = "tok"/);
});

test('no registries.yaml: no hosts files, config_path still set so rfo owns the directory', () => {
  const out = renderRegistryHosts(parse(['']), { disableDefaultEndpoint: false });
  assert.equal(out.hosts.length, 0);
  assert.deepEqual(renderRegistryCriLines('/d/certs.d', out.auths), ["  [plugins.'io.containerd.cri.v1.images'.registry]", '    config_path = "/d/certs.d"']);
});
