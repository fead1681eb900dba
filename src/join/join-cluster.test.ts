import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bootstrapFiles } from './bootstrap-data.ts';
import type { EtcdClient, EtcdMember } from '../etcd/etcdctl.ts';
import { joinEtcd, writeBootstrapFiles } from './join-cluster.ts';

const files = Object.fromEntries(bootstrapFiles.map((f) => [f, `content of ${f}`]));

test('writeBootstrapFiles refuses a crafted file name and writes nothing at all, inside or outside the tls dir', async () => {
  const root = await mkdtemp(join(tmpdir(), 'rfo-bootstrap-'));
  try {
    const tls = join(root, 'a', 'b', 'tls');
    for (const bad of ['../../escaped', 'sub/dir/x.key', 'unknown.key']) {
      // the crafted name comes after valid ones: nothing may be written before the check
      await assert.rejects(writeBootstrapFiles(tls, { files: { ...files, [bad]: 'owned' } }), (err: Error & { code?: string }) => err.code === 'RFO_JOIN_FAILED');
      assert.deepEqual(await readdir(root, { recursive: true }), [], bad);
    }
    await writeBootstrapFiles(tls, { files });
    assert.equal((await readdir(tls, { recursive: true })).filter((f) => f.includes('.')).length, bootstrapFiles.length);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

/** A stand-in etcdctl that records its arguments (after the TLS flags) and answers member add. */
async function fakeEtcdctl(dir: string): Promise<{ client: EtcdClient; calls: () => Promise<string[]> }> {
  const log = join(dir, 'calls');
  await writeFile(
    join(dir, 'etcdctl'),
    `#!/bin/sh\nshift 10\necho "$*" >> ${log}\ncase "$*" in *"member add"*) echo 'ETCD_INITIAL_CLUSTER="s1=https://10.0.0.11:2380,s2=https://10.0.0.12:2380"';; esac\n`,
    { mode: 0o755 },
  );
  return { client: { binDir: dir, tlsDir: dir, endpoints: ['https://10.0.0.11:2379'] }, calls: async () => (await readFile(log, 'utf8').catch(() => '')).split('\n').filter(Boolean) };
}

const member = (name: string, ip: string): EtcdMember => ({ id: `id${name}`, name, peerUrls: [`https://${ip}:2380`], clientUrls: [`https://${ip}:2379`], isLearner: false });

test('a joining server never removes a healthy member that has its peer URL: it refuses and changes nothing', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'rfo-joinetcd-'));
  try {
    const { client, calls } = await fakeEtcdctl(dir);
    const members = [member('s1', '10.0.0.11'), member('s2', '10.0.0.12')];
    // s3 was started with s2's address by mistake
    await assert.rejects(
      joinEtcd(client, members, 's3', 'https://10.0.0.12:2380', () => undefined, () => Promise.resolve(true)),
      (err: Error & { code?: string }) => err.code === 'RFO_JOIN_FORBIDDEN' && /member s2 already uses this node's peer URL/.test(err.message),
    );
    assert.deepEqual(await calls(), [], 'no etcdctl call: nothing removed, nothing added');
    // a member left by an earlier attempt of this node (not answering) is replaced
    const logs: string[] = [];
    const cluster = await joinEtcd(client, [...members, { ...member('s3', '10.0.0.13'), clientUrls: [] }], 's3', 'https://10.0.0.13:2380', (m) => logs.push(m), () => Promise.resolve(false));
    assert.match(cluster, /^s1=/);
    assert.deepEqual(await calls(), ['member remove ids3', 'member add s3 --peer-urls=https://10.0.0.13:2380 --learner']);
    assert.ok(logs.some((l) => /removing stale member s3/.test(l)));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
