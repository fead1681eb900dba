import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hostNetworkOptions } from './host-network-options.ts';
import { interfaceOf } from '../host/host-network.ts';
import type { ServerSettings } from './prepare-node.ts';

const settings = (values: ServerSettings['values']): ServerSettings => ({ values, nodeIp: '192.0.2.10' }) as unknown as ServerSettings;
const net = { clusterCidr: '10.42.0.0/16', serviceCidr: '10.43.0.0/16', nodePortRange: '30000-32767', httpsPort: 6443, supervisorPort: 9345, flannel: true };

test('the step gets the flags, the CIDRs as sources and the role\'s ports', () => {
  const o = hostNetworkOptions(settings({ 'networkmanager-conf': '/tmp/nm/rfo.conf', 'firewalld-zone': 'internal', 'disable-networkmanager-config': false, 'disable-firewalld-config': false }), { ...net, role: 'agent' }, () => undefined);
  assert.deepEqual(o.networkManager, { enabled: true, confFile: '/tmp/nm/rfo.conf' });
  assert.deepEqual(o.firewalld, { enabled: true, sources: ['10.42.0.0/16', '10.43.0.0/16'], ports: ['10250/tcp', '8472/udp', '80/tcp', '443/tcp', '30000-32767/tcp', '30000-32767/udp'], zone: 'internal' });
  assert.equal(o.nodeIp, '192.0.2.10');
  const off = hostNetworkOptions(settings({ 'disable-networkmanager-config': true, 'disable-firewalld-config': true }), { ...net, role: 'server' }, () => undefined);
  assert.equal(off.networkManager.enabled, false);
  assert.equal(off.firewalld.enabled, false);
  assert.equal(off.firewalld.zone, '');
  assert.ok(off.firewalld.ports.includes('6443/tcp'));
});

test('interfaceOf finds the interface holding the node IP', () => {
  const ifaces = { lo: [{ address: '127.0.0.1' }], eth0: [{ address: 'fe80::1' }, { address: '192.0.2.10' }], cni0: [{ address: '10.42.0.1' }] };
  assert.equal(interfaceOf('192.0.2.10', ifaces), 'eth0');
  assert.equal(interfaceOf('203.0.113.9', ifaces), undefined);
});
