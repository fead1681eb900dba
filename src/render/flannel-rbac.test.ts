import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseAllDocuments } from 'yaml';
import { renderFlannelRbac } from './flannel-rbac.ts';

test("flannel's identity may read Nodes and patch only their status: no patch of Nodes (labels), no pods", () => {
  const [role] = parseAllDocuments(renderFlannelRbac()).map((d) => d.toJS() as { kind: string; rules?: { resources: string[]; verbs: string[] }[] });
  assert.equal(role?.kind, 'ClusterRole');
  const grants = (role?.rules ?? []).flatMap((r) => r.resources.flatMap((res) => r.verbs.map((v) => `${res}:${v}`))).sort();
  assert.deepEqual(grants, ['nodes/status:patch', 'nodes:get', 'nodes:list', 'nodes:watch']);
});
