import { test } from 'node:test';
import assert from 'node:assert/strict';
import { intToIpv4, ipv4ToInt, ipv6Groups } from './ip.ts';

test('IPv4 round-trips through integers', () => {
  assert.equal(ipv4ToInt('10.43.0.1'), 0x0a2b0001);
  assert.equal(intToIpv4(0x0a2b0001), '10.43.0.1');
  assert.equal(intToIpv4(ipv4ToInt('255.255.255.255')), '255.255.255.255');
});

test('IPv6 groups expand "::" anywhere', () => {
  assert.deepEqual(ipv6Groups('fd00::5'), [0xfd00, 0, 0, 0, 0, 0, 0, 5]);
  assert.deepEqual(ipv6Groups('::1'), [0, 0, 0, 0, 0, 0, 0, 1]);
  assert.deepEqual(ipv6Groups('1:2:3:4:5:6:7:8'), [1, 2, 3, 4, 5, 6, 7, 8]);
});
