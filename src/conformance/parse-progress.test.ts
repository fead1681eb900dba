import { test } from 'node:test';
import assert from 'node:assert/strict';
import { emptyProgress, renderProgress, stepProgress } from './parse-progress.ts';

const output = `Running Suite: Kubernetes e2e suite - /tmp
Will run 3 of 7211 specs
Running in parallel across 2 processes
------------------------------
[SynchronizedBeforeSuite] PASSED [0.086 seconds]
[SynchronizedBeforeSuite]
k8s.io/kubernetes@v1.36.3/test/e2e/e2e.go:69
------------------------------
• [4.123 seconds]
[sig-node] Pods [It] should get a host IP [NodeConformance] [Conformance] [sig-node, NodeConformance, Conformance]
k8s.io/kubernetes/test/e2e/common/node/pods.go:205
  STEP: Creating a kubernetes client @ 12/05/26 12:00:00.000
------------------------------
• [FAILED] [600.001 seconds]
[sig-network] DNS [It] should provide DNS for services [Conformance] [sig-network, Conformance]
k8s.io/kubernetes/test/e2e/network/dns.go:137
  [FAILED] timed out
------------------------------
S [SKIPPED] [0.001 seconds]
------------------------------

Ran 3 of 7211 Specs in 610.2 seconds
`;

test('stepProgress counts results and names failures', () => {
  const p = output.split('\n').reduce(stepProgress, emptyProgress);
  assert.equal(p.total, 3);
  assert.equal(p.passed, 1);
  assert.equal(p.failed, 1);
  assert.equal(p.skipped, 1);
  assert.deepEqual(p.failures, ['[sig-network] DNS should provide DNS for services [Conformance]']);
  assert.equal(renderProgress(p, 61_000), 'conformance: 3/3 specs (1 passed, 1 failed, 1 skipped), 1m01s');
});

test('an indented [FAILED] inside a spec is not a result', () => {
  const p = ['  [FAILED] boom', 'x'].reduce(stepProgress, emptyProgress);
  assert.equal(p.failed, 0);
});
