import { test } from 'node:test';
import assert from 'node:assert/strict';
import { networkPolicyInterfaces, planNetworkManager, renderNetworkManagerConf, unmanagedInterfaces } from './networkmanager-conf.ts';

test('the drop-in lists the pod network and every network-policy engine\'s interfaces, appending to the user\'s list', () => {
  const text = renderNetworkManagerConf();
  assert.match(text, /^\[keyfile\]$/m);
  const line = /^unmanaged-devices\+=(.*)$/m.exec(text)?.[1] ?? '';
  assert.deepEqual(line.split(';'), ['interface-name:cni0', 'interface-name:flannel*', 'interface-name:veth*', 'interface-name:kube-bridge', 'interface-name:kube-dummy-if']);
  for (const names of Object.values(networkPolicyInterfaces)) for (const n of names) assert.ok(unmanagedInterfaces().includes(n));
  assert.equal(new Set(unmanagedInterfaces()).size, unmanagedInterfaces().length);
});

const cloudOff = { enabled: [], running: false };

test('written where NetworkManager runs and the file differs; never where it does not run', () => {
  const desired = renderNetworkManagerConf();
  assert.equal(planNetworkManager({ running: true, current: undefined, desired, cloudSetup: cloudOff }).write, true);
  assert.equal(planNetworkManager({ running: true, current: '[keyfile]\nunmanaged-devices=interface-name:cali*\n', desired, cloudSetup: cloudOff }).write, true);
  assert.equal(planNetworkManager({ running: true, current: desired, desired, cloudSetup: cloudOff }).write, false);
  assert.deepEqual(planNetworkManager({ running: false, current: undefined, desired, cloudSetup: { enabled: ['nm-cloud-setup.timer'], running: true } }), { write: false, warnings: [] });
});

test('nm-cloud-setup enabled or running is warned about, with the command that disables it', () => {
  const desired = renderNetworkManagerConf();
  const plan = planNetworkManager({ running: true, current: desired, desired, cloudSetup: { enabled: ['nm-cloud-setup.timer'], running: false } });
  assert.equal(plan.warnings.length, 1);
  assert.match(plan.warnings[0] ?? '', /nm-cloud-setup\.timer is enabled.*systemctl disable --now nm-cloud-setup\.service nm-cloud-setup\.timer/);
  assert.match(planNetworkManager({ running: true, current: desired, desired, cloudSetup: { enabled: [], running: true } }).warnings[0] ?? '', /nm-cloud-setup is running/);
  assert.deepEqual(planNetworkManager({ running: true, current: desired, desired, cloudSetup: cloudOff }).warnings, []);
});
