import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderHelp } from './render-help.ts';
import { flagsFor } from './flags.ts';

test('help lists every server flag with its env var and default', () => {
  const help = renderHelp('server', 'Run management server');
  for (const f of flagsFor('server')) assert.match(help, new RegExp(`--${f.name}\\b`), f.name);
  assert.match(help, /--cluster-cidr value +IPv4 network CIDR to use for pod IPs \(default: 10\.42\.0\.0\/16\) \[\$RFO_CLUSTER_CIDR\]/);
  assert.match(help, /-t, --token value/);
  assert.doesNotMatch(renderHelp('agent', 'Run node agent'), /--cluster-cidr/);
});

test('etcd-snapshot help names the short S3 aliases', () => {
  const help = renderHelp('etcd-snapshot', 'x');
  assert.match(help, /--etcd-s3-bucket value +S3 bucket name \(also --s3-bucket\)/);
  assert.match(help, /--name value/);
});
