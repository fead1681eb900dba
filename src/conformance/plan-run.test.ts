import { test } from 'node:test';
import assert from 'node:assert/strict';
import { focusForNames, parseConformanceArgs, parseTaintKeys, planGinkgoCommand } from './plan-run.ts';
import { ciSubset } from './subset-ci.ts';

test('parseConformanceArgs: defaults, values in both spellings, refusals', () => {
  assert.deepEqual(parseConformanceArgs([]), { procs: 4, keepLab: false, buildOnly: false });
  const o = parseConformanceArgs(['--focus', 'DNS', '--skip=Slow', '--procs', '2', '--profile', 'cis', '--keep-lab']);
  assert.equal(o.focus, 'DNS');
  assert.equal(o.skip, 'Slow');
  assert.equal(o.procs, 2);
  assert.equal(o.profile, 'cis');
  assert.equal(o.keepLab, true);
  assert.throws(() => parseConformanceArgs(['--subset', 'full']), /the only subset is ci/);
  assert.throws(() => parseConformanceArgs(['--subset', 'ci', '--focus', 'x']), /give one/);
  assert.throws(() => parseConformanceArgs(['--focus']), /needs a value/);
  assert.throws(() => parseConformanceArgs(['--bogus']), /unknown option/);
});

test('focusForNames matches exactly the names given, brackets and dots escaped', () => {
  const re = new RegExp(focusForNames(ciSubset));
  for (const name of ciSubset) assert.match(name, re);
  assert.doesNotMatch('[sig-node] Pods should be updated [NodeConformance] [Conformance]', re);
  assert.doesNotMatch('[sig-apps] Deployment should run the lifecycle of a Deployment', re, 'the [Conformance] suffix is part of the name');
});

test('the CI subset has no serial or slow spec and no duplicate', () => {
  assert.equal(new Set(ciSubset).size, ciSubset.length);
  for (const name of ciSubset) {
    assert.doesNotMatch(name, /\[(Serial|Slow|Disruptive)\]/);
    assert.match(name, /\[Conformance\]$/);
  }
});

test('planGinkgoCommand: conformance focus by default, e2e flags after --, taints when the servers have them', () => {
  const base = { ginkgo: '/b/ginkgo', e2eTest: '/b/e2e.test', kubeconfig: '/k', reportDir: '/r' };
  const { cmd, args } = planGinkgoCommand({ ...base, options: parseConformanceArgs([]), nonBlockingTaints: [] });
  assert.equal(cmd, '/b/ginkgo');
  assert.ok(args.includes('--focus=\\[Conformance\\]'));
  assert.ok(args.includes('--procs=4'));
  const sep = args.indexOf('--');
  assert.equal(args[sep - 1], '/b/e2e.test');
  assert.deepEqual(args.slice(sep + 1, sep + 4), ['--provider=skeleton', '--kubeconfig=/k', '--report-dir=/r']);
  assert.ok(!args.some((a) => a.startsWith('--non-blocking-taints')));
  const tainted = planGinkgoCommand({ ...base, options: parseConformanceArgs(['--skip', 'Serial']), nonBlockingTaints: ['node-role.kubernetes.io/control-plane'] }).args;
  assert.ok(tainted.includes('--non-blocking-taints=node-role.kubernetes.io/control-plane'));
  assert.ok(tainted.includes('--skip=Serial'));
  assert.ok(tainted.indexOf('--skip=Serial') < tainted.indexOf('--'), 'ginkgo flags before --');
});

test('parseTaintKeys', () => {
  assert.deepEqual(parseTaintKeys(' b a  b\n'), ['a', 'b']);
  assert.deepEqual(parseTaintKeys('node-role.kubernetes.io/control-plane node.kubernetes.io/not-ready'), ['node-role.kubernetes.io/control-plane']);
});
