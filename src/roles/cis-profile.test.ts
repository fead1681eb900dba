import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { planPaths } from '../paths/paths.ts';
import { allowEtcdTraversal, tightenFileModes } from './cis-profile.ts';

async function withPaths(fn: (p: ReturnType<typeof planPaths>, dir: string) => Promise<void>) {
  const dir = await mkdtemp(join(tmpdir(), 'rfo-cis-'));
  try {
    await fn(planPaths({ dataDir: join(dir, 'data'), runDir: join(dir, 'run'), kubeletDir: join(dir, 'kubelet'), cniConfDir: join(dir, 'cni'), cniStateDir: join(dir, 'cnistate'), podLogDir: join(dir, 'pods') }), dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
const modeOf = async (p: string) => (await stat(p)).mode & 0o7777;

test('a node switched to the profile: files an earlier start left 0644 become 0600; keys, links and your manifests stay as they are', async () => {
  await withPaths(async (p) => {
    const file = async (path: string, mode: number) => {
      await mkdir(join(path, '..'), { recursive: true });
      await writeFile(path, 'x');
      await chmod(path, mode);
    };
    await file(join(p.server.tlsDir, 'server-ca.crt'), 0o644);
    await file(join(p.server.tlsDir, 'etcd', 'peer-ca.crt'), 0o644);
    await file(join(p.server.tlsDir, 'server-ca.key'), 0o600);
    await file(join(p.agent.etcDir, 'kubelet.conf.d', '50-mine.conf'), 0o640);
    await file(join(p.agent.dir, 'client-ca.crt'), 0o644);
    await file(join(p.server.manifestsDir, 'mine.yaml'), 0o644);
    await file(join(p.roots.cniConfDir, '10-rfo.conflist'), 0o644);
    await symlink('token', p.server.nodeToken);
    const changed = await tightenFileModes(p, join(p.roots.cniConfDir, '10-rfo.conflist'));
    assert.deepEqual(changed.length, 5, changed.join('\n'));
    for (const f of [join(p.server.tlsDir, 'server-ca.crt'), join(p.server.tlsDir, 'etcd', 'peer-ca.crt'), join(p.agent.etcDir, 'kubelet.conf.d', '50-mine.conf'), join(p.agent.dir, 'client-ca.crt'), join(p.roots.cniConfDir, '10-rfo.conflist')]) assert.equal(await modeOf(f), 0o600, f);
    assert.equal(await modeOf(join(p.server.manifestsDir, 'mine.yaml')), 0o644);
    assert.deepEqual(await tightenFileModes(p, join(p.roots.cniConfDir, '10-rfo.conflist')), [], 'a second start changes nothing');
  });
});

test('etcd (not root) can pass the directories above its files: the search bit for others, nothing more', async () => {
  await withPaths(async (p) => {
    await mkdir(p.server.etcdDataDir, { recursive: true, mode: 0o700 });
    await mkdir(p.server.etcdTlsDir, { recursive: true, mode: 0o700 });
    await chmod(p.server.tlsDir, 0o700);
    await chmod(join(p.server.dir, 'db'), 0o700);
    await allowEtcdTraversal(p);
    assert.equal(await modeOf(p.server.tlsDir), 0o701);
    assert.equal(await modeOf(p.server.etcdTlsDir), 0o701);
    assert.equal(await modeOf(join(p.server.dir, 'db')), 0o701);
    assert.equal(await modeOf(p.server.etcdDataDir), 0o700, 'the data dir itself stays 0700 (etcd owns it)');
  });
});
