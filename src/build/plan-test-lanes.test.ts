import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planTestLanes } from './plan-test-lanes.ts';

const files = ['t/a.test.ts', 't/b.test.ts', 't/c.test.ts', 't/d.test.ts', 't/cis.test.ts', 't/lab.test.ts'];
const weights = { 'a.test.ts': 100, 'b.test.ts': 60, 'c.test.ts': 50, 'd.test.ts': 10 };

test('two lanes: host-global files run alone first; the rest balanced longest first', () => {
  const plan = planTestLanes(files, 2, weights);
  assert.deepEqual(plan.exclusive, ['t/cis.test.ts', 't/lab.test.ts']);
  // a (100) → lane 1; b (60), c (50) → lane 2, the emptier one each time; d (10) → lane 1 (100 < 110)
  assert.deepEqual(plan.lanes, [['t/a.test.ts', 't/d.test.ts'], ['t/b.test.ts', 't/c.test.ts']]);
  assert.deepEqual(plan.laneSeconds, [110, 110]);
  // every file exactly once
  assert.deepEqual([...plan.exclusive, ...plan.lanes.flat()].sort(), [...files].sort());
});

test('one lane is the serial run: every file, nothing set apart', () => {
  const plan = planTestLanes(files, 1, weights);
  assert.deepEqual(plan.exclusive, []);
  assert.equal(plan.lanes.length, 1);
  assert.deepEqual([...(plan.lanes[0] ?? [])].sort(), [...files].sort());
});

test('more lanes than files leaves no empty lane; a bad count is refused', () => {
  assert.equal(planTestLanes(['t/a.test.ts'], 4, weights).lanes.length, 1);
  assert.throws(() => planTestLanes(files, 0, weights), /positive integer/);
  assert.throws(() => planTestLanes(files, 1.5, weights), /positive integer/);
});
