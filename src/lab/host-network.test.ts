import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isLabRule, ruleArgs } from './host-network.ts';

test('iptables -S lines split back into argv and are recognized by the comment', () => {
  const line = '-A FORWARD -i rfotlbr -o rfotlbr -m comment --comment rfo-lab:rfotl -j ACCEPT';
  assert.deepEqual(ruleArgs(line).slice(0, 3), ['-A', 'FORWARD', '-i']);
  assert.ok(isLabRule(ruleArgs(line), 'rfo-lab:rfotl'));
  assert.ok(!isLabRule(ruleArgs(line), 'rfo-lab:rfot'), 'another lab whose name is a prefix');
  assert.ok(!isLabRule(ruleArgs('-A FORWARD -m comment --comment "kubernetes forwarding rules" -j KUBE-FORWARD'), 'rfo-lab:rfotl'));
  assert.deepEqual(ruleArgs('-A X -m comment --comment "a b" -j Y'), ['-A', 'X', '-m', 'comment', '--comment', 'a b', '-j', 'Y']);
});
