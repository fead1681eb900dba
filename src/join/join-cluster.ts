// A server joining an existing cluster (`rfo server --server https://<first>:9345`).
// fetchBootstrap() only reads: it checks the CA against the token, takes the
// sealed bootstrap data with the server token, and refuses on any cluster-wide
// setting that differs — before anything is written. joinEtcd() then adds
// this node as an etcd learner; promoteLearner() makes it a voter once it
// has caught up (etcd refuses earlier, so it is retried).

import { join } from 'node:path';
import { RfoError } from '../errors.ts';
import { openBootstrap } from './bootstrap-crypto.ts';
import { clusterWideSettings, compareClusterSettings, parseBootstrap, planBootstrapWrites } from './bootstrap-data.ts';
import type { BootstrapData } from './bootstrap-data.ts';
import { fetchCacerts, joinGet, verifyCa } from './join-client.ts';
import { parseToken } from './token.ts';
import { addLearner, listMembers, memberHealthy, promoteMember, removeMember } from '../etcd/etcdctl.ts';
import type { EtcdClient, EtcdMember } from '../etcd/etcdctl.ts';
import { writeFileAtomic } from '../util/atomic-write.ts';
import type { FlagValue } from '../config/resolve-config.ts';
type Log = (message: string) => void;

export interface ClusterBootstrap {
  readonly data: BootstrapData;
  readonly members: readonly EtcdMember[];
}

/** The joining server's own node identity: registered with the cluster before it joins (as an RKE2 server's agent does). */
export interface JoiningNode {
  readonly name: string;
  readonly password: string;
  readonly ips: readonly string[];
}

export async function fetchBootstrap(
  server: string,
  tokenText: string,
  values: Readonly<Record<string, FlagValue | undefined>>,
  agentTokenText: string,
  node: JoiningNode,
  log: Log,
  /** Throws when this server may not run next to the cluster's version (plan-version-skew.ts). */
  checkSkew: (clusterVersion: string | undefined) => void = () => undefined,
): Promise<ClusterBootstrap> {
  if (!tokenText) throw new RfoError('RFO_CONFIG_INVALID', 'joining a cluster needs the server token', { hint: 'set token: to the content of server/token (or server/node-token) on an existing server' });
  const token = parseToken(tokenText);
  if (token.username === 'node') {
    throw new RfoError('RFO_JOIN_FORBIDDEN', 'this is an agent token: it lets agents join, not servers', { hint: 'use the server token from server/token on an existing server' });
  }
  const caPem = await fetchCacerts(server);
  verifyCa(token, caPem, log);
  const session = { server, caPem, username: 'server', password: token.password };
  // Before the node name is claimed: a refused join leaves nothing behind on either side.
  checkSkew((JSON.parse(await joinGet(session, '/v1-rfo/config')) as { 'kubernetes-version'?: string })['kubernetes-version']);
  const sealed = await joinGet(session, '/v1-rfo/bootstrap');
  let data: BootstrapData;
  try {
    data = parseBootstrap((await openBootstrap(token.password, sealed)).toString('utf8'));
  } catch (err) {
    if (err instanceof RfoError) throw err;
    throw new RfoError('RFO_JOIN_FAILED', `bootstrap data from ${server} is unusable: ${(err as Error).message}`, { hint: 'run the same rfo version on every server' });
  }
  const local = Object.fromEntries(clusterWideSettings.map((k) => [k, String(values[k] ?? '')]));
  const mismatches = compareClusterSettings(data.settings, local);
  if (agentTokenText && parseToken(agentTokenText).password !== data.agentPassword) mismatches.push({ key: 'agent-token', cluster: '<hidden>', local: '<hidden>' });
  if (mismatches.length > 0) {
    throw new RfoError(
      'RFO_CLUSTER_MISMATCH',
      `this server's settings differ from the cluster's; nothing was changed:\n${mismatches.map((m) => `  ${m.key}: cluster has ${m.cluster}, this server has ${m.local}`).join('\n')}`,
      { hint: `use the cluster's values (every server must share ${[...clusterWideSettings, 'agent-token'].join(', ')})` },
    );
  }
  // Claim this server's node name with its node password now, with the server
  // token: a name another node registered is refused before anything is
  // written, and from here on no agent can take it. The certificate is not
  // used (a server issues its own from the cluster CAs).
  await joinGet(session, '/v1-rfo/client-kubelet.crt', { 'rfo-node-name': node.name, 'rfo-node-password': node.password, 'rfo-node-ip': node.ips.join(',') });
  const members = JSON.parse(await joinGet(session, '/v1-rfo/etcd-members')) as EtcdMember[];
  return { data, members };
}

/** Only the known file names, all checked before the first is written (planBootstrapWrites). */
export async function writeBootstrapFiles(tlsDir: string, data: Pick<BootstrapData, 'files'>): Promise<void> {
  for (const w of planBootstrapWrites(data.files)) await writeFileAtomic(join(tlsDir, w.file), w.content, w.mode);
}

/**
 * Add this node as a learner; returns etcd's initial-cluster list for it.
 * A member that already has this node's peer URL is removed only when it does
 * not answer (left behind by an earlier attempt of this node): a healthy one
 * is another server (a mistyped --node-ip, a reused address), and removing it
 * would take a live server out of the cluster.
 */
export async function joinEtcd(client: EtcdClient, members: readonly EtcdMember[], name: string, peerUrl: string, log: Log, healthy: (m: EtcdMember) => Promise<boolean> = (m) => memberHealthy(client, m)): Promise<string> {
  const stale = members.filter((m) => m.peerUrls.includes(peerUrl));
  for (const m of stale) {
    if (await healthy(m)) {
      throw new RfoError('RFO_JOIN_FORBIDDEN', `etcd member ${m.name || m.id} already uses this node's peer URL ${peerUrl} and is healthy: another server has this address; no etcd member was changed`, {
        hint: `check --node-ip on this node; if ${m.name || 'that member'} is really gone, stop it and remove its member first (kubectl delete node ${m.name || '<its node>'})`,
      });
    }
  }
  for (const m of stale) {
    log(`etcd: removing stale member ${m.name || m.id} with this node's peer URL (it does not answer)`);
    await removeMember(client, m.id);
  }
  const initialCluster = await addLearner(client, name, peerUrl);
  const voters = members.filter((m) => !m.isLearner && !m.peerUrls.includes(peerUrl)).length + 1;
  log(`etcd: added ${name} as a learner; it becomes voter ${voters}`);
  if (voters % 2 === 0) {
    log(`WARNING: etcd will have ${voters} voting members, an even number: it tolerates no more failures than ${voters - 1} would. Add or remove one server.`);
  }
  return initialCluster;
}

export async function promoteLearner(client: EtcdClient, peerUrl: string, log: Log, timeoutMs = 180_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const me = (await listMembers(client)).find((m) => m.peerUrls.includes(peerUrl));
      if (me && !me.isLearner) return;
      if (me) {
        await promoteMember(client, me.id);
        log('etcd: promoted to voting member');
        return;
      }
    } catch (err) {
      last = (err as Error).message; // "can only promote a learner member which is in sync with leader"
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
  throw new RfoError('RFO_ETCD_FAILED', `etcd learner was not promoted in ${timeoutMs / 1000}s: ${last}`, { hint: 'check etcd.log on this node and the network between servers (port 2380)' });
}
