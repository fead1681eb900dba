import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderStatusTable, renderSummary } from './render-status.ts';
import type { LabStatus } from './render-status.ts';

const status: LabStatus = {
  name: 'rfolab',
  subnet: '10.198.0.0/24',
  labDir: '/var/lib/rfo-lab',
  apiReachable: true,
  nodes: [
    { name: 's1', role: 'server', ip: '10.198.0.11', pid: 1234, state: 'running', ready: 'True' },
    { name: 's2', role: 'server', ip: '10.198.0.12', state: 'stopped', ready: 'Unknown' },
    { name: 'a1', role: 'agent', ip: '10.198.0.21', pid: 99, state: 'running', ready: 'absent' },
  ],
};

test('status table: aligned columns, - for no pid', () => {
  assert.equal(
    renderStatusTable(status),
    ['NAME  ROLE    IP           PID   STATE    READY', 's1    server  10.198.0.11  1234  running  True', 's2    server  10.198.0.12  -     stopped  Unknown', 'a1    agent   10.198.0.21  99    running  absent', ''].join('\n'),
  );
});

test('without an API the READY column says so', () => {
  const table = renderStatusTable({ ...status, apiReachable: false, nodes: [{ name: 's1', role: 'server', ip: '10.198.0.11', state: 'stopped' }] });
  assert.match(table, /^s1 +server +10\.198\.0\.11 +- +stopped +\?$/m);
  assert.match(table, /no server API answered/);
});

test('summary line', () => {
  assert.equal(renderSummary(status), 'lab rfolab (10.198.0.0/24): 2/3 nodes running, 1 Ready — rfo lab kubectl get nodes');
});
