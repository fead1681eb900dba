import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseJunit } from './parse-junit.ts';

const xml = `<?xml version="1.0" encoding="UTF-8"?>
<testsuites tests="4" disabled="0" errors="0" failures="1" time="12.5">
  <testsuite name="Kubernetes e2e suite" package="/" tests="4">
    <testcase name="[SynchronizedBeforeSuite]" classname="Kubernetes e2e suite" status="passed" time="1.2"></testcase>
    <testcase name="[It] [sig-node] Pods should get a host IP [NodeConformance] [Conformance]" classname="Kubernetes e2e suite" status="passed" time="4.1">
      <system-err>STEP: ok</system-err>
    </testcase>
    <testcase name="[It] [sig-network] DNS should provide DNS for services  [Conformance]" classname="Kubernetes e2e suite" status="failed" time="600">
      <failure message="[FAILED] timed out waiting for &quot;dns&quot;&#xA;more" type="failed">trace</failure>
    </testcase>
    <testcase name="[It] [sig-network] Services should serve a basic endpoint from pods [Conformance]" status="failed" time="125.7">
      <failure message="" type="failed">[FAILED] service &#34;x&#34; is not reachable within 2m0s timeout on endpoint endpoint-test2:80 over TCP protocol&#xA;In [It] at: service.go:769</failure>
    </testcase>
    <testcase name="[It] [sig-storage] CSI Mock something" classname="Kubernetes e2e suite" status="skipped" time="0">
      <skipped message="skipped"></skipped>
    </testcase>
    <testcase name="[ReportAfterSuite] Kubernetes e2e suite report" status="failed" time="0"><failure message="x"></failure></testcase>
  </testsuite>
</testsuites>`;

test('parseJunit counts specs, keeps suite nodes apart, takes the failure message', () => {
  const s = parseJunit(xml);
  assert.equal(s.passed, 1);
  assert.equal(s.failed, 2);
  assert.equal(s.skipped, 1);
  assert.equal(s.specs.find((x) => x.name.includes('basic endpoint'))?.message, '[FAILED] service "x" is not reachable within 2m0s timeout on endpoint endpoint-test2:80 over TCP protocol');
  assert.deepEqual(s.suiteFailures, ['[ReportAfterSuite] Kubernetes e2e suite report']);
  const dns = s.specs.find((x) => x.name.includes('DNS'));
  assert.equal(dns?.name, '[sig-network] DNS should provide DNS for services  [Conformance]');
  assert.equal(dns?.message, '[FAILED] timed out waiting for "dns"');
  assert.equal(dns?.seconds, 600);
});
