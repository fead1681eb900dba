import { test } from 'node:test';
import assert from 'node:assert/strict';
import { settingsFrom } from './prepare-node.ts';
import type { HostFacts } from '../host/host-facts.ts';

const facts = (hostname: string): HostFacts => ({ hostname, defaultIp: '10.0.0.5', cgroupV1: true, systemdPid1: false, swapOn: false, ipForward: true, isRoot: true, canLowerOomScore: true });
const values = { 'data-dir': '/var/lib/rancher/rfo', 'run-dir': '/run/rfo', 'kubelet-dir': '/var/lib/kubelet', 'cni-conf-dir': '/etc/cni/net.d', 'write-kubeconfig-mode': '0600' };

test('the node name defaults to the hostname, which must be a DNS-1123 subdomain too', () => {
  assert.equal(settingsFrom(values, facts('host-1')).nodeName, 'host-1');
  assert.equal(settingsFrom({ ...values, 'node-name': 'n1' }, facts('my_host')).nodeName, 'n1', 'node-name set: the hostname does not matter');
  assert.throws(() => settingsFrom(values, facts('my_host')), { code: 'RFO_CONFIG_INVALID', message: /hostname cannot be the node name: "my_host" is not a DNS-1123 subdomain/, hint: /node-name/ });
});
