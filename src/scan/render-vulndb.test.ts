import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nonSupersededFix, parseOsvFile, pseudoVersionTime, renderVulnDb } from './render-vulndb.ts';

const osv = (id: string, modules: Record<string, { introduced: string; fixed?: string }[]>, modified = '0001-01-01T00:00:00Z') =>
  JSON.stringify({
    schema_version: '1.3.1',
    id,
    modified,
    affected: Object.entries(modules).map(([name, events]) => ({
      package: { name, ecosystem: 'Go' },
      ranges: [{ type: 'SEMVER', events: events.flatMap((e) => [{ introduced: e.introduced }, ...(e.fixed ? [{ fixed: e.fixed }] : [])]) }],
    })),
  });

test('the snapshot time comes from the vulndb pseudo-version', () => {
  assert.equal(pseudoVersionTime('v0.0.0-20261105234957-e22db6528018'), '2026-11-05T23:49:57Z');
  assert.throws(() => pseudoVersionTime('v1.2.3'));
});

test('the index names the last fix, or none when the flaw was re-introduced after it', () => {
  assert.equal(nonSupersededFix([{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '1.2.0' }, { introduced: '1.3.0' }, { fixed: '1.3.4' }] }]), '1.3.4');
  assert.equal(nonSupersededFix([{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '1.2.0' }, { introduced: '1.5.0' }] }]), '');
});

test('v1 layout: db.json, modules.json sorted by path with ids sorted, ID files byte for byte', () => {
  const files = [
    { name: 'GO-2026-0002.json', text: osv('GO-2026-0002', { 'golang.org/x/net': [{ introduced: '0', fixed: '0.62.0' }], stdlib: [{ introduced: '0', fixed: '1.26.9' }] }) },
    { name: 'GO-2026-0001.json', text: osv('GO-2026-0001', { 'golang.org/x/net': [{ introduced: '0' }] }, '2026-12-01T00:00:00Z') },
  ];
  const out = new Map(renderVulnDb(files, '2026-11-05T23:49:57Z').map((f) => [f.path, f.content]));
  assert.deepEqual([...out.keys()].sort(), ['ID/GO-2026-0001.json', 'ID/GO-2026-0002.json', 'index/db.json', 'index/modules.json']);
  assert.equal(out.get('ID/GO-2026-0002.json'), files[0]?.text);
  assert.deepEqual(JSON.parse(out.get('index/db.json') ?? ''), { modified: '2026-12-01T00:00:00Z' }, 'newest real time wins over the snapshot time');
  assert.deepEqual(JSON.parse(out.get('index/modules.json') ?? ''), [
    {
      path: 'golang.org/x/net',
      vulns: [
        { id: 'GO-2026-0001', modified: '2026-12-01T00:00:00Z' },
        { id: 'GO-2026-0002', modified: '2026-11-05T23:49:57Z', fixed: '0.62.0' },
      ],
    },
    { path: 'stdlib', vulns: [{ id: 'GO-2026-0002', modified: '2026-11-05T23:49:57Z', fixed: '1.26.9' }] },
  ]);
});

test('an OSV file whose name is not its id is refused (govulncheck would reject the database)', () => {
  assert.throws(() => parseOsvFile({ name: 'GO-2026-0009.json', text: osv('GO-2026-0001', {}) }), /does not match/);
});
