import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decideRemoval, forgetMember, initialRemovalState, planMemberRemovals } from './plan-member-removal.ts';
import type { RemovalState } from './plan-member-removal.ts';
import type { EtcdMember } from './etcdctl.ts';

const m = (name: string, isLearner = false): EtcdMember => ({ id: `id-${name}`, name, peerUrls: [], clientUrls: [], isLearner });
const members = [m('s1'), m('s2'), m('s3')];
const all = new Set(['s1', 's2', 's3', 'a1']);

/** Feeds observations (seconds, Node names) one tick at a time; returns the candidates of each tick. */
function run(ticks: [number, ReadonlySet<string>, EtcdMember[]?][], start: RemovalState = initialRemovalState): { names: string[][]; state: RemovalState } {
  let state = start;
  const names: string[][] = [];
  for (const [sec, nodes, ms] of ticks) {
    const r = planMemberRemovals(state, { members: ms ?? members, nodes, now: sec * 1000, self: 's1' });
    state = r.state;
    names.push(r.candidates.map((c) => c.name));
  }
  return { names, state };
}

test('a server Node missing twice, at least 10 s apart, becomes a candidate', () => {
  const without = new Set(['s1', 's3', 'a1']);
  assert.deepEqual(run([[0, all], [10, without], [15, without], [20, without]]).names, [[], [], [], ['s2']]);
});

test('one miss, or misses interrupted by a sighting, never make a candidate', () => {
  const without = new Set(['s1', 's3', 'a1']);
  assert.deepEqual(run([[0, all], [10, without], [19, without]]).names, [[], [], []], 'under 10 s apart');
  assert.deepEqual(run([[0, all], [10, without], [15, all], [25, without], [30, without]]).names, [[], [], [], [], []], 'the sighting resets the clock');
});

test('labels play no part: a Node that exists is never a candidate, whatever it carries', () => {
  // The observation is only the set of Node names; a server whose etcd label was removed is still in it.
  assert.deepEqual(run([[0, all], [10, all], [30, all], [60, all]]).names, [[], [], [], []]);
});

test('never this server, never a learner, never a member whose Node was never seen (still joining)', () => {
  const joining = [...members, m('s4', true), m('s5')];
  const none = new Set(['a1']);
  const r = run([[0, all, joining], [10, none, joining], [30, none, joining]]);
  assert.deepEqual(r.names, [[], [], ['s2', 's3']], 's1 is self, s4 a learner, s5 never was a Node');
});

test('after a removal the name must be a Node again before it can be a candidate again', () => {
  const without = new Set(['s1', 's3']);
  const first = run([[0, all], [10, without], [20, without]]);
  assert.deepEqual(first.names.at(-1), ['s2']);
  const after = forgetMember(first.state, 's2');
  // s2 rejoins: member first, Node later; not a candidate while its Node has not registered
  assert.deepEqual(run([[30, without], [45, without], [60, without]], after).names, [[], [], []]);
});

test('the last checks: only a Node that is NotFound and a member that fails its health check is removed', () => {
  assert.equal(decideRemoval({ nodeNotFound: true, memberHealthy: false }), 'remove');
  assert.equal(decideRemoval({ nodeNotFound: true, memberHealthy: true }), 'keep: its etcd member is healthy');
  assert.equal(decideRemoval({ nodeNotFound: false, memberHealthy: false }), 'keep: its Node exists');
});
