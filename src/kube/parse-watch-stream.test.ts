import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createWatchParser } from './parse-watch-stream.ts';

test('events split across chunks come out whole, in order', () => {
  const parse = createWatchParser();
  const a = JSON.stringify({ type: 'ADDED', object: { metadata: { name: 'a', resourceVersion: '1' } } });
  const b = JSON.stringify({ type: 'DELETED', object: { metadata: { name: 'b', resourceVersion: '2' } } });
  const all = `${a}\n${b}\n`;
  const out = [...parse(all.slice(0, 10)), ...parse(all.slice(10, a.length + 5)), ...parse(all.slice(a.length + 5))];
  assert.deepEqual(out.map((e) => [e.type, e.object.metadata.name]), [['ADDED', 'a'], ['DELETED', 'b']]);
  assert.deepEqual(parse('\n\n'), []);
});
