import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveConfig, formatIssues } from './resolve-config.ts';
import type { ConfigSources, ResolveResult } from './resolve-config.ts';
import { envNameOf, flagTable } from './flags.ts';

const base: ConfigSources = { command: 'server', files: [], env: {}, args: [] };
const ok = (r: ResolveResult) => {
  assert.ok(r.ok, r.ok ? '' : formatIssues(r.issues));
  return r.options;
};
const issues = (r: ResolveResult) => {
  assert.ok(!r.ok, 'expected issues');
  return r.issues;
};

test('defaults apply when nothing is set (RKE2 defaults, rfo paths)', () => {
  const { values, origins } = ok(resolveConfig(base));
  assert.equal(values['data-dir'], '/var/lib/rancher/rfo');
  assert.equal(values['write-kubeconfig'], '/etc/rancher/rfo/rfo.yaml');
  assert.equal(values['write-kubeconfig-mode'], '0600');
  assert.equal(values['cluster-cidr'], '10.42.0.0/16');
  assert.equal(values['service-cidr'], '10.43.0.0/16');
  assert.equal(values['cluster-dns'], '10.43.0.10');
  assert.equal(values['supervisor-port'], 9345);
  assert.equal(values['https-listen-port'], 6443);
  assert.equal(origins['cluster-cidr'], 'default');
});

// Precedence table: each row sets cluster-dns in some layers; the last layer wins.
const precedence: { layers: ('file' | 'dropin' | 'env' | 'flag')[]; want: string }[] = [
  { layers: ['file'], want: '10.43.0.1' },
  { layers: ['file', 'dropin'], want: '10.43.0.2' },
  { layers: ['file', 'dropin', 'env'], want: '10.43.0.3' },
  { layers: ['file', 'env', 'flag'], want: '10.43.0.4' },
  { layers: ['env'], want: '10.43.0.3' },
  { layers: ['flag', 'file'], want: '10.43.0.4' },
];
for (const row of precedence) {
  test(`precedence: ${row.layers.join(' + ')} → ${row.want}`, () => {
    const files = [];
    if (row.layers.includes('file')) files.push({ path: '/etc/rancher/rfo/config.yaml', text: 'cluster-dns: 10.43.0.1\n' });
    if (row.layers.includes('dropin')) files.push({ path: '/etc/rancher/rfo/config.yaml.d/10-dns.yaml', text: 'cluster-dns: 10.43.0.2\n' });
    const env = row.layers.includes('env') ? { RFO_CLUSTER_DNS: '10.43.0.3' } : {};
    const args = row.layers.includes('flag') ? ['--cluster-dns', '10.43.0.4'] : [];
    assert.equal(ok(resolveConfig({ ...base, files, env, args })).values['cluster-dns'], row.want);
  });
}

test('key+ appends to a list across files; a plain key replaces it', () => {
  const files = [
    { path: '/c/config.yaml', text: 'node-label:\n  - a=1\ntls-san: one.example\n' },
    { path: '/c/config.yaml.d/1.yaml', text: 'node-label+:\n  - b=2\ntls-san+: two.example,three.example\n' },
  ];
  const { values, origins } = ok(resolveConfig({ ...base, files }));
  assert.deepEqual(values['node-label'], ['a=1', 'b=2']);
  assert.deepEqual(values['tls-san'], ['one.example', 'two.example', 'three.example']);
  assert.equal(origins['node-label'], '/c/config.yaml.d/1.yaml');
  const replaced = ok(resolveConfig({ ...base, files: [...files, { path: '/c/config.yaml.d/2.yaml', text: 'node-label: [c=3]\n' }] }));
  assert.deepEqual(replaced.values['node-label'], ['c=3']);
});

test('flags: --name=value, --name value, short names, bare booleans, repeated lists', () => {
  const { values } = ok(resolveConfig({ ...base, args: ['--debug', '-d', '/tmp/rfo', '--node-label=x=1', '--node-label', 'y=2', '--disable=rfo-coredns'] }));
  assert.equal(values.debug, true);
  assert.equal(values['data-dir'], '/tmp/rfo');
  assert.deepEqual(values['node-label'], ['x=1', 'y=2']);
  assert.deepEqual(values.disable, ['rfo-coredns']);
});

test('unknown keys name the file and key; nothing else is reported as valid', () => {
  const found = issues(resolveConfig({ ...base, files: [{ path: '/c/config.yaml', text: 'cluster-cidr: 10.42.0.0/16\nclustr-dns: 10.43.0.10\n' }] }));
  assert.deepEqual(found, [{ source: '/c/config.yaml', key: 'clustr-dns', message: 'is not an rfo option' }]);
});

test('invalid values are errors naming where they came from', () => {
  const found = issues(
    resolveConfig({
      ...base,
      files: [{ path: '/c/config.yaml', text: 'cluster-cidr: 10.42.0.0/99\nwrite-kubeconfig-mode: rw-r--r--\n' }],
      env: { RFO_SUPERVISOR_PORT: '70000' },
      args: ['--node-taint', 'dedicated=x:Sometimes', '--server', 'http://x:9345'],
    }),
  );
  const byKey = Object.fromEntries(found.map((i) => [i.key, i]));
  assert.equal(byKey['cluster-cidr']?.source, '/c/config.yaml');
  assert.match(byKey['cluster-cidr']?.message ?? '', /not a CIDR/);
  assert.match(byKey['write-kubeconfig-mode']?.message ?? '', /octal file mode/);
  assert.equal(byKey['supervisor-port']?.source, 'environment');
  assert.match(byKey['node-taint']?.message ?? '', /NoSchedule/);
  assert.match(byKey.server?.message ?? '', /https:\/\//);
});

test('node name, cluster domain and node addresses are validated wherever they are set', () => {
  const found = issues(
    resolveConfig({
      ...base,
      files: [{ path: '/c/config.yaml', text: 'node-name: Bad_Name\ncluster-domain: cluster.local.\n' }],
      env: { RFO_NODE_IP: '10.0.0.1,not-an-ip' },
      args: ['--node-external-ip', '203.0.113.300', '--advertise-address', 'server-1'],
    }),
  );
  const byKey = Object.fromEntries(found.map((i) => [i.key, i]));
  assert.deepEqual(Object.keys(byKey).sort(), ['advertise-address', 'cluster-domain', 'node-external-ip', 'node-ip', 'node-name']);
  assert.equal(byKey['node-name']?.source, '/c/config.yaml');
  assert.match(byKey['node-name']?.message ?? '', /"Bad_Name" is not a DNS-1123 subdomain/);
  assert.equal(byKey['cluster-domain']?.source, '/c/config.yaml');
  assert.match(byKey['cluster-domain']?.message ?? '', /"cluster\.local\." is not a DNS-1123 subdomain/);
  assert.equal(byKey['node-ip']?.source, 'environment');
  assert.match(byKey['node-ip']?.message ?? '', /"not-an-ip" is not an IP address/);
  assert.equal(byKey['node-external-ip']?.source, 'command line');
  assert.match(byKey['advertise-address']?.message ?? '', /"server-1" is not an IP address/);
  // the agent and etcd-snapshot check the node name too
  assert.match(formatIssues(issues(resolveConfig({ ...base, command: 'agent', args: ['--node-name', 'UPPER'] }))), /node-name: "UPPER" is not a DNS-1123/);
  assert.match(formatIssues(issues(resolveConfig({ ...base, command: 'etcd-snapshot', args: ['--node-name', 'a_b'] }))), /node-name/);
  assert.equal(ok(resolveConfig({ ...base, args: ['--node-name', 'node-1.example.com', '--cluster-domain', 'k8s.internal'] })).values['node-name'], 'node-1.example.com');
});

test('bad YAML, non-mapping files and wrong value shapes are reported', () => {
  assert.match(issues(resolveConfig({ ...base, files: [{ path: '/c/a.yaml', text: 'a: [1\n' }] }))[0]?.message ?? '', /not valid YAML/);
  assert.match(issues(resolveConfig({ ...base, files: [{ path: '/c/a.yaml', text: '- a\n- b\n' }] }))[0]?.message ?? '', /mapping/);
  assert.match(issues(resolveConfig({ ...base, files: [{ path: '/c/a.yaml', text: 'cluster-dns: [a, b]\n' }] }))[0]?.message ?? '', /single value/);
  assert.match(issues(resolveConfig({ ...base, files: [{ path: '/c/a.yaml', text: 'debug: maybe\n' }] }))[0]?.message ?? '', /true or false/);
  assert.match(issues(resolveConfig({ ...base, files: [{ path: '/c/a.yaml', text: 'cluster-dns+: 10.43.0.10\n' }] }))[0]?.message ?? '', /appends to list options only/);
  assert.deepEqual(ok(resolveConfig({ ...base, files: [{ path: '/c/empty.yaml', text: '' }] })).values['cluster-dns'], '10.43.0.10');
});

test('command line: unknown flags, positional arguments and missing values are errors', () => {
  const found = issues(resolveConfig({ ...base, args: ['--bogus', 'stray', '--token'] }));
  assert.deepEqual(found.map((i) => i.message), ['unknown flag for rfo server', 'unexpected argument; rfo server takes only --flags', 'needs a value']);
});

test('server-only keys in a shared config are ignored by the agent with a warning', () => {
  const files = [{ path: '/c/config.yaml', text: 'server: https://10.0.0.1:9345\ncluster-cidr: 10.42.0.0/16\n' }];
  const { values, warnings } = ok(resolveConfig({ ...base, command: 'agent', files }));
  assert.equal(values.server, 'https://10.0.0.1:9345');
  assert.equal(values['cluster-cidr'], undefined);
  assert.match(warnings[0] ?? '', /cluster-cidr.*rfo server, not rfo agent/);
});

test('secret values are never echoed in messages', () => {
  const found = issues(resolveConfig({ ...base, command: 'server', files: [{ path: '/c/a.yaml', text: 'token:\n  value: s3cret-value\n' }] }));
  assert.equal(found[0]?.key, 'token');
  assert.ok(!formatIssues(found).includes('s3cret-value'), formatIssues(found));
  const notSecret = issues(resolveConfig({ ...base, files: [{ path: '/c/a.yaml', text: 'cluster-dns:\n  value: shown\n' }] }));
  assert.ok(formatIssues(notSecret).includes('shown'), 'non-secret values are shown to help the user');
});

test('every flag has an RFO_ environment variable and a usage line; names are unique', () => {
  const names = new Set<string>();
  for (const f of flagTable) {
    // RKE2 reads the S3 keys from AWS's own variables; everything else is RFO_*.
    assert.match(envNameOf(f), /^(RFO_[A-Z0-9_]+|AWS_(ACCESS_KEY_ID|SECRET_ACCESS_KEY))$/);
    assert.ok(f.usage.length > 5, f.name);
    assert.ok(!names.has(f.name), f.name);
    names.add(f.name);
  }
  assert.equal(envNameOf(flagTable.find((f) => f.name === 'server') ?? flagTable[0]!), 'RFO_URL');
});

test('rfo etcd-snapshot reads etcd-s3-* from the server config and takes --s3-* flags (aliases)', () => {
  const r = resolveConfig({
    command: 'etcd-snapshot',
    files: [{ path: '/c/config.yaml', text: 'etcd-s3: true\netcd-s3-bucket: from-file\netcd-snapshot-dir: /snaps\ncluster-cidr: 10.42.0.0/16\n' }],
    env: {},
    args: ['--s3-bucket', 'from-flag', '--compress', '-o', 'json'],
  });
  assert.ok(r.ok);
  if (!r.ok) return;
  assert.equal(r.options.values['etcd-s3'], true);
  assert.equal(r.options.values['etcd-s3-bucket'], 'from-flag');
  assert.equal(r.options.values['etcd-snapshot-dir'], '/snaps');
  assert.equal(r.options.values['etcd-snapshot-compress'], true);
  assert.equal(r.options.values.output, 'json');
  assert.equal(r.options.values.name, 'on-demand');
  const server = resolveConfig({ command: 'server', files: [], env: {}, args: ['--s3-bucket', 'x'] });
  assert.ok(server.ok, 'aliases work on rfo server too');
});

test('the helm-controller settings: a bad value is refused by key, and agents do not take them', () => {
  const found = issues(resolveConfig({ ...base, files: [{ path: '/c/config.yaml', text: 'disable-helm-controller: maybe\n' }], args: ['--helm-controller-arg', 'no-equals-sign'] }));
  assert.deepEqual(found.map((i) => i.key).sort(), ['disable-helm-controller', 'helm-controller-arg']);
  assert.match(formatIssues(issues(resolveConfig({ ...base, command: 'agent', args: ['--disable-helm-controller'] }))), /disable-helm-controller/);
  const good = ok(resolveConfig({ ...base, env: { RFO_DISABLE_HELM_CONTROLLER: 'true' }, args: ['--helm-controller-arg', 'job-tolerations=[]'] })).values;
  assert.equal(good['disable-helm-controller'], true);
  assert.deepEqual(good['helm-controller-arg'], ['job-tolerations=[]']);
});

test('cni-state-dir: a flag, a config key and RFO_CNI_STATE_DIR, default /var/lib/cni; a relative path is refused by name', () => {
  const ok = resolveConfig({ command: 'server', files: [], env: { RFO_CNI_STATE_DIR: '/srv/cni' }, args: [] });
  assert.ok(ok.ok);
  assert.equal(ok.options.values['cni-state-dir'], '/srv/cni');
  const dflt = resolveConfig({ command: 'server', files: [], env: {}, args: [] });
  assert.ok(dflt.ok);
  assert.equal(dflt.options.values['cni-state-dir'], '/var/lib/cni');
  const bad = resolveConfig({ command: 'server', files: [], env: {}, args: ['--cni-state-dir', 'relative/path'] });
  assert.ok(!bad.ok);
  assert.match(formatIssues(bad.issues), /cni-state-dir: "relative\/path" is not an absolute path/);
});
