import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readShippedVersions, renderVersion } from './version.ts';
import { rfoVersion } from '../versions/table.ts';

test('a checkout reports its tables; a release tree the runtime it ships (a release of another minor)', async () => {
  const root = await mkdtemp(join(tmpdir(), 'rfo-version-'));
  try {
    assert.equal(await readShippedVersions(root), undefined);
    assert.match(renderVersion('abc', 'v24.21.0'), new RegExp(`^rfo version ${rfoVersion().replace(/[.+]/g, '\\$&')} \\(abc\\)\\n`));
    await mkdir(join(root, 'runtime'));
    await writeFile(join(root, 'runtime', 'manifest.json'), JSON.stringify({ rfoVersion: 'v1.35.4+rfor1', kubernetesVersion: 'v1.35.4' }));
    const shipped = await readShippedVersions(root);
    assert.deepEqual(shipped, { rfo: 'v1.35.4+rfor1', kubernetes: 'v1.35.4' });
    assert.equal(renderVersion('abc', 'v24.21.0', shipped), 'rfo version v1.35.4+rfor1 (abc)\nkubernetes version v1.35.4\nnode version v24.21.0\n');
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
