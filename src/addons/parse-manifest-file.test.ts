import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseManifestFile } from './parse-manifest-file.ts';

test('multi-document YAML, Lists and JSON become objects', () => {
  const p = parseManifestFile('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\n---\nkind: List\napiVersion: v1\nitems:\n- {apiVersion: v1, kind: Secret, metadata: {name: s}}\n', 'f.yaml');
  assert.ok(p.ok);
  if (p.ok) assert.deepEqual(p.objects.map((o) => `${o.kind}/${o.metadata.name}`), ['ConfigMap/a', 'Secret/s']);
  const j = parseManifestFile(JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'n' } }), 'f.json');
  assert.ok(j.ok && j.objects.length === 1);
});

test('broken manifests are reported with the document that is wrong', () => {
  for (const [text, re] of [
    ['a: [', /document 1/],
    ['kind: ConfigMap\nmetadata: {name: a}', /document 1: no apiVersion/],
    ['apiVersion: v1\nmetadata: {name: a}', /no kind/],
    ['apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {generateName: b-}', /document 2: ConfigMap has no metadata.name/],
    ['- 1\n- 2', /not a Kubernetes object/],
  ] as const) {
    const p = parseManifestFile(text, 'f.yaml');
    assert.equal(p.ok, false, text);
    if (!p.ok) assert.match(p.error, re);
  }
});
