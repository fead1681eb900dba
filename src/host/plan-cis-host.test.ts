import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cisSysctls, etcdAccount, etcdUseraddText, parseAccounts, planCisHostCheck, planCisPrepare, renderCisSysctlConf, sysctlPath } from './plan-cis-host.ts';

const prepared = Object.fromEntries(cisSysctls.map((s) => [s.key, s.value]));
const passwd = parseAccounts('root:x:0:0:root:/root:/bin/bash\n# comment\netcd:x:998:997:etcd user:/home/etcd:/sbin/nologin\n', 'passwd');
const group = parseAccounts('root:x:0:\netcd:x:997:\n', 'group');

test("RKE2's four kernel parameters, and the two key quotas kubelet's protectKernelDefaults compares too", () => {
  assert.deepEqual(
    cisSysctls.map((s) => `${s.key}=${s.value}`),
    ['vm.panic_on_oom=0', 'vm.overcommit_memory=1', 'kernel.panic=10', 'kernel.panic_on_oops=1', 'kernel.keys.root_maxkeys=1000000', 'kernel.keys.root_maxbytes=25000000'],
  );
  assert.equal(sysctlPath('kernel.keys.root_maxkeys'), '/proc/sys/kernel/keys/root_maxkeys');
  const conf = renderCisSysctlConf();
  for (const s of cisSysctls) assert.match(conf, new RegExp(`^${s.key.replaceAll('.', '\\.')}=${s.value}$`, 'm'));
});

test('a prepared host passes; each missing item is named with its own fix', () => {
  assert.deepEqual(planCisHostCheck('server', { sysctls: prepared, users: passwd, groups: group }), []);
  const issues = planCisHostCheck('server', { sysctls: { ...prepared, 'kernel.panic': '0', 'vm.overcommit_memory': undefined }, users: [], groups: [] });
  assert.deepEqual(
    issues.map((i) => i.fix),
    ['sysctl -w vm.overcommit_memory=1', 'sysctl -w kernel.panic=10', etcdUseraddText],
  );
  assert.match(issues[1]?.what ?? '', /kernel\.panic=0, expected 10/);
  assert.equal(etcdUseraddText, 'useradd -r -c "etcd user" -s /sbin/nologin -M etcd -U');
});

test('agents need no etcd account (RKE2 PR#1068); half an account is named as such', () => {
  assert.deepEqual(planCisHostCheck('agent', { sysctls: prepared, users: [], groups: [] }), []);
  assert.match(planCisHostCheck('server', { sysctls: prepared, users: passwd, groups: [] })[0]?.fix ?? '', /^groupadd -r etcd/);
  assert.match(planCisHostCheck('server', { sysctls: prepared, users: [], groups: group })[0]?.fix ?? '', /-g etcd etcd$/);
});

test('the etcd account: uid of user etcd, gid of group etcd, or nothing while either is missing', () => {
  assert.deepEqual(etcdAccount({ users: passwd, groups: group }), { uid: 998, gid: 997 });
  assert.equal(etcdAccount({ users: passwd, groups: [] }), undefined);
});

test('rfo cis prepare: writes the drop-in, sets what differs, adds the account; a second run plans nothing', () => {
  const first = planCisPrepare({ sysctls: { ...prepared, 'kernel.panic': '0' }, users: [], groups: [], sysctlConf: '/etc/sysctl.d/90-rfo-cis.conf', currentConf: undefined });
  assert.deepEqual(
    first.map((a) => a.kind),
    ['write-sysctl-conf', 'set-sysctl', 'run'],
  );
  assert.deepEqual(first[1], { kind: 'set-sysctl', key: 'kernel.panic', from: '0', to: '10' });
  assert.deepEqual(first[2], { kind: 'run', cmd: 'useradd', args: ['-r', '-c', 'etcd user', '-s', '/sbin/nologin', '-M', 'etcd', '-U'] });
  assert.deepEqual(planCisPrepare({ sysctls: prepared, users: passwd, groups: group, sysctlConf: '/x', currentConf: renderCisSysctlConf() }), []);
});
