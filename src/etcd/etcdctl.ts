// etcd membership through the runtime's etcdctl, with the etcd client
// certificate: list members, add a learner, promote it, remove a member.
// Member IDs are uint64s, which JSON numbers cannot hold; parseMemberList
// keeps them as hex strings (the form etcdctl takes back).

import { join } from 'node:path';
import { RfoError } from '../errors.ts';
import { run } from '../util/exec.ts';

export interface EtcdMember {
  readonly id: string;
  readonly name: string;
  readonly peerUrls: readonly string[];
  readonly clientUrls: readonly string[];
  readonly isLearner: boolean;
}

/** Pure: `etcdctl member list -w json` → members, IDs as hex. */
export function parseMemberList(json: string): EtcdMember[] {
  const safe = json.replace(/"(ID|cluster_id|member_id)":(\d+)/g, '"$1":"$2"');
  const parsed = JSON.parse(safe) as { members?: { ID: string; name?: string; peerURLs?: string[]; clientURLs?: string[]; isLearner?: boolean }[] };
  return (parsed.members ?? []).map((m) => ({
    id: BigInt(m.ID).toString(16),
    name: m.name ?? '',
    peerUrls: m.peerURLs ?? [],
    clientUrls: m.clientURLs ?? [],
    isLearner: m.isLearner === true,
  }));
}

/** Pure: the ETCD_INITIAL_CLUSTER line `member add` prints. */
export function parseInitialCluster(output: string): string {
  const m = /ETCD_INITIAL_CLUSTER="([^"]*)"/.exec(output);
  if (!m?.[1]) throw new Error(`etcdctl member add printed no ETCD_INITIAL_CLUSTER:\n${output}`);
  return m[1];
}

export interface EtcdClient {
  readonly binDir: string;
  readonly tlsDir: string;
  readonly endpoints: readonly string[];
}

async function etcdctl(c: EtcdClient, args: readonly string[], timeoutSec = 10, input?: string): Promise<string> {
  const tls = (f: string) => join(c.tlsDir, 'etcd', f);
  const r = await run({
    cmd: join(c.binDir, 'etcdctl'),
    args: ['--endpoints', c.endpoints.join(','), '--cacert', tls('server-ca.crt'), '--cert', tls('client.crt'), '--key', tls('client.key'), '--command-timeout', `${timeoutSec}s`, ...args],
    ...(input !== undefined ? { input } : {}),
  });
  if (r.code !== 0) throw new RfoError('RFO_ETCD_FAILED', `etcdctl ${args.slice(0, 2).join(' ')} failed: ${r.stderr.trim()}`, { hint: 'check that the existing servers are up and reachable on port 2379' });
  return r.stdout;
}

/** A key rfo keeps in etcd beside Kubernetes' data (e.g. the sealed secrets-encryption record). */
export interface EtcdValue {
  readonly value: string;
  readonly modRevision: number;
}

export async function getKey(c: EtcdClient, key: string): Promise<EtcdValue | undefined> {
  const out = JSON.parse(await untilVoter(() => etcdctl(c, ['get', key, '-w', 'json']))) as { kvs?: { value?: string; mod_revision?: number }[] };
  const kv = out.kvs?.[0];
  return kv ? { value: Buffer.from(kv.value ?? '', 'base64').toString('utf8'), modRevision: kv.mod_revision ?? 0 } : undefined;
}

/**
 * A member just promoted from learner learns its promotion through raft a
 * moment later; until then its reads fail with "rpc not supported for
 * learner" (seen: a joining server's first read 14 ms after the promotion).
 * Such a read is tried again for up to 30 s; any other error is thrown at once.
 */
async function untilVoter(read: () => Promise<string>): Promise<string> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      return await read();
    } catch (err) {
      if (!String((err as Error).message).includes('rpc not supported for learner') || Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

/**
 * Put a value only if the key is still at `modRevision` (0: only if it does
 * not exist): two servers changing it at once cannot both win. The value must
 * be one token of printable characters (sealed text is base64).
 */
export async function putKeyIf(c: EtcdClient, key: string, value: string, modRevision: number): Promise<boolean> {
  if (!/^[\x21-\x7e]+$/.test(value) || !/^[\x21-\x7e]+$/.test(key)) throw new Error('putKeyIf: key and value must be printable without spaces');
  const compare = modRevision === 0 ? `create("${key}") = "0"` : `mod("${key}") = "${modRevision}"`;
  const out = await etcdctl(c, ['txn', '-w', 'json'], 10, `${compare}\n\nput ${key} ${value}\n\n\n`);
  return (JSON.parse(out) as { succeeded?: boolean }).succeeded === true;
}

export const listMembers = async (c: EtcdClient) => parseMemberList(await etcdctl(c, ['member', 'list', '-w', 'json']));

export async function addLearner(c: EtcdClient, name: string, peerUrl: string): Promise<string> {
  return parseInitialCluster(await etcdctl(c, ['member', 'add', name, `--peer-urls=${peerUrl}`, '--learner']));
}

export async function promoteMember(c: EtcdClient, id: string): Promise<void> {
  await etcdctl(c, ['member', 'promote', id]);
}

export async function removeMember(c: EtcdClient, id: string): Promise<void> {
  await etcdctl(c, ['member', 'remove', id]);
}

/**
 * Whether a member answers etcd's health check on its own client URLs (a
 * member that never started has none, and is not healthy). Runs etcdctl
 * against those endpoints only, so a healthy quorum elsewhere does not count.
 */
export async function memberHealthy(c: EtcdClient, member: EtcdMember): Promise<boolean> {
  if (member.clientUrls.length === 0) return false;
  try {
    await etcdctl({ ...c, endpoints: member.clientUrls }, ['endpoint', 'health'], 5);
    return true;
  } catch {
    return false;
  }
}
