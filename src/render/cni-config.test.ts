import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ipamReservationsDir, ipv4Network, parseSubnetEnv, renderCniConflist } from './cni-config.ts';

const env = 'FLANNEL_NETWORK=10.42.0.0/16\nFLANNEL_SUBNET=10.42.3.1/24\nFLANNEL_MTU=1450\nFLANNEL_IPMASQ=true\n';

test('subnet.env is parsed; a broken one is an error with a hint', () => {
  assert.deepEqual(parseSubnetEnv(env), { network: '10.42.0.0/16', subnet: '10.42.3.1/24', mtu: 1450, ipMasq: true });
  assert.throws(() => parseSubnetEnv('FLANNEL_NETWORK=10.42.0.0/16\n'), { code: 'RFO_CONFIG_INVALID' });
});

test('the node network goes to host-local as a network address; MTU follows flannel', () => {
  assert.equal(ipv4Network('10.42.3.1/24'), '10.42.3.0/24');
  assert.equal(ipv4Network('10.42.3.129/25'), '10.42.3.128/25');
  const conf = JSON.parse(renderCniConflist(parseSubnetEnv(env), '/srv/cni')) as { plugins: { type: string; mtu?: number; ipMasq?: boolean; ipam?: { ranges: { subnet: string }[][]; dataDir?: string } }[] };
  assert.deepEqual(conf.plugins.map((p) => p.type), ['bridge', 'portmap', 'bandwidth']);
  assert.equal(conf.plugins[0]?.mtu, 1450);
  assert.equal(conf.plugins[0]?.ipam?.ranges[0]?.[0]?.subnet, '10.42.3.0/24');
  assert.equal(conf.plugins[0]?.ipMasq, false, 'flanneld already masquerades');
});

test('host-local keeps its reservations under cni-state-dir, where killall finds them (not its host-wide default)', () => {
  const conf = JSON.parse(renderCniConflist(parseSubnetEnv(env), '/srv/cni')) as { name: string; plugins: { ipam?: { dataDir?: string } }[] };
  assert.equal(conf.plugins[0]?.ipam?.dataDir, '/srv/cni/networks');
  assert.equal(ipamReservationsDir('/srv/cni'), `/srv/cni/networks/${conf.name}`);
});
