import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseLabArgs } from './parse-lab-args.ts';

test('up with options in both forms', () => {
  const c = parseLabArgs(['up', '--servers', '3', '--agents=2', '--lab-dir', '/tmp/l', '--subnet', '10.197.9.0/24', '--name', 'x', '--images', '/a.tar', '--images=/b.tar', '--wait=false']);
  assert.equal(c.verb, 'up');
  assert.equal(c.servers, 3);
  assert.equal(c.agents, 2);
  assert.equal(c.labDir, '/tmp/l');
  assert.equal(c.subnet, '10.197.9.0/24');
  assert.equal(c.name, 'x');
  assert.ok(c.nameGiven);
  assert.deepEqual(c.images, ['/a.tar', '/b.tar']);
  assert.equal(c.wait, false);
});

test('defaults', () => {
  const c = parseLabArgs(['up']);
  assert.deepEqual([c.servers, c.agents, c.labDir, c.subnet, c.name, c.nameGiven, c.wait], [1, 0, '/var/lib/rfo-lab', '10.198.0.0/24', 'rfolab', false, true]);
  assert.equal(parseLabArgs([]).verb, 'help');
});

test("kubectl's arguments pass through; lab options may precede the verb", () => {
  const c = parseLabArgs(['--lab-dir', '/tmp/l', 'kubectl', 'get', 'pods', '-A', '-o', 'wide', '--name', 'n']);
  assert.equal(c.verb, 'kubectl');
  assert.equal(c.labDir, '/tmp/l');
  assert.deepEqual(c.rest, ['get', 'pods', '-A', '-o', 'wide', '--name', 'n']);
});

test('stop/start take one node; status -o json', () => {
  assert.deepEqual(parseLabArgs(['stop', 's2']).rest, ['s2']);
  assert.equal(parseLabArgs(['stop', 's2']).hard, false);
  assert.equal(parseLabArgs(['stop', '--hard', 's2']).hard, true);
  assert.throws(() => parseLabArgs(['start']), /takes one node name/);
  assert.equal(parseLabArgs(['status', '-o', 'json']).output, 'json');
});

test('usage errors', () => {
  assert.throws(() => parseLabArgs(['frobnicate']), /unknown lab command "frobnicate"/);
  assert.throws(() => parseLabArgs(['up', '--servers', 'three']), /--servers three is not a number/);
  assert.throws(() => parseLabArgs(['up', '--bogus']), /unknown lab option --bogus/);
  assert.throws(() => parseLabArgs(['up', '--lab-dir']), /--lab-dir needs a value/);
});

test('exec: a node, then its command (an optional -- between)', () => {
  assert.deepEqual(parseLabArgs(['exec', 's1', '--', 'ip', '-o', 'addr']).rest, ['s1', 'ip', '-o', 'addr']);
  assert.deepEqual(parseLabArgs(['--lab-dir', '/l', 'exec', 'a1', 'cat', '/etc/hostname']).rest, ['a1', 'cat', '/etc/hostname']);
  assert.throws(() => parseLabArgs(['exec', 's1']), /takes a node and a command/);
});

test('$RFO_LAB_DIR is the lab dir unless --lab-dir says otherwise', () => {
  assert.equal(parseLabArgs(['kubectl', 'get', 'nodes'], '/tmp/env-lab').labDir, '/tmp/env-lab');
  assert.equal(parseLabArgs(['status', '--lab-dir', '/x'], '/tmp/env-lab').labDir, '/x');
});
