import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unpackSourceTarball } from './source-tarball.ts';
import { components } from '../versions/table.ts';

const served = Buffer.from('not the release tarball');

test('a tarball whose bytes differ from the pin, or a 404, is refused and nothing is written', async () => {
  const server = createServer((req, res) => {
    if (req.url === '/pkg.tar.bz2') res.end(served);
    else res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  const root = await mkdtemp(join(tmpdir(), 'rfo-tarball-'));
  try {
    const pinned = (url: string, sha256: string) => ({ ...components['conformance-busybox'], sourceTarball: { url, sha256, dir: 'pkg' } });
    const into = join(root, 'work');
    await assert.rejects(unpackSourceTarball(pinned(`http://127.0.0.1:${port}/pkg.tar.bz2`, 'a'.repeat(64)), into), (err: Error & { code?: string }) => {
      assert.equal(err.code, 'RFO_SOURCE_UNAVAILABLE');
      assert.match(err.message, new RegExp(`sha256 ${createHash('sha256').update(served).digest('hex')}, pinned a{64}`));
      return true;
    });
    await assert.rejects(unpackSourceTarball(pinned(`http://127.0.0.1:${port}/gone.tar.bz2`, 'a'.repeat(64)), into), /HTTP 404/);
    assert.equal(existsSync(into), false, 'nothing unpacked or written');
    await assert.rejects(unpackSourceTarball({ id: 'conformance-busybox', version: '1.37.0', modules: [], license: 'GPL-2.0-only' }, into), /no sourceTarball pin/);
  } finally {
    server.close();
    await rm(root, { recursive: true, force: true });
  }
});
