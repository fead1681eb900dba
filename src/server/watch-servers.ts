// Every server, every 10 s: refresh the etcd member list (agents learn the
// apiserver addresses from it), label its own Node with the server roles,
// remove the etcd member of a server whose Node was deleted, and delete the
// node-password secret of any deleted Node so its name can join again.

import { removeMember } from '../etcd/etcdctl.ts';
import { planMemberRemovals } from '../etcd/plan-member-removal.ts';
import { nodeOfPasswordSecret } from '../join/node-password.ts';
import { nodePasswordSecretType, parseSecretLines, planNodePasswordCleanup } from '../join/plan-node-password-cleanup.ts';
import type { ExecResult } from '../util/exec.ts';
import type { createJoinService } from './join-service.ts';

const roleLabels = ['node-role.kubernetes.io/control-plane=true', 'node-role.kubernetes.io/etcd=true', 'node-role.kubernetes.io/master=true'];
const nodeLines = String.raw`jsonpath={range .items[*]}{.metadata.name}{"\t"}{.metadata.labels.node-role\.kubernetes\.io/etcd}{"\n"}{end}`;
const secretLines = String.raw`jsonpath={range .items[*]}{.metadata.name}{"\t"}{.metadata.creationTimestamp}{"\n"}{end}`;

type Kubectl = (...a: string[]) => Promise<ExecResult>;

export function watchServers(join: ReturnType<typeof createJoinService>, kubectl: Kubectl, self: string, log: (m: string) => void, intervalMs = 10_000): NodeJS.Timeout {
  const seenServers = new Set<string>();
  const seenNodes = new Set<string>();
  let labelled = false;
  let busy = false;
  const tick = async () => {
    const members = await join.refreshMembers();
    if (!labelled) {
      // kubelets may not set node-role labels themselves (NodeRestriction), so the server does.
      labelled = (await kubectl('label', 'node', self, ...roleLabels, '--overwrite')).code === 0;
    }
    const got = await kubectl('get', 'nodes', '-o', nodeLines);
    if (got.code !== 0) return;
    const rows = got.stdout.split('\n').map((l) => l.split('\t')).filter(([name]) => name);
    const nodes = new Set(rows.map(([name]) => name ?? ''));
    const servers = new Set(rows.filter(([, etcd]) => etcd === 'true').map(([name]) => name ?? ''));
    for (const removed of planMemberRemovals(members, servers, seenServers, self)) {
      log(`etcd: node ${removed.name} was deleted; removing its etcd member`);
      await removeMember({ ...join.etcdClient }, removed.id).catch((err: unknown) => log(`etcd: removing member ${removed.name} failed: ${(err as Error).message}`));
      seenServers.delete(removed.name);
      const voters = members.filter((m) => !m.isLearner && m.id !== removed.id).length;
      if (voters % 2 === 0) log(`WARNING: etcd now has ${voters} voting members, an even number; add or remove a server to get back to an odd count`);
    }
    for (const n of servers) seenServers.add(n);
    await removeNodePasswords(kubectl, nodes, seenNodes, log);
    for (const n of nodes) seenNodes.add(n);
  };
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    void tick()
      .catch(() => undefined)
      .finally(() => {
        busy = false;
      });
  }, intervalMs);
  return timer;
}

/** Every server runs this; a secret another server deleted first is simply gone (--ignore-not-found). */
async function removeNodePasswords(kubectl: Kubectl, nodes: ReadonlySet<string>, seenNodes: Set<string>, log: (m: string) => void): Promise<void> {
  const got = await kubectl('-n', 'kube-system', 'get', 'secrets', '--field-selector', `type=${nodePasswordSecretType}`, '-o', secretLines);
  if (got.code !== 0) return;
  for (const name of planNodePasswordCleanup(parseSecretLines(got.stdout), nodes, seenNodes, Date.now())) {
    const node = nodeOfPasswordSecret(name) ?? name;
    const del = await kubectl('-n', 'kube-system', 'delete', 'secret', name, '--ignore-not-found');
    if (del.code === 0) log(`node ${node} is gone; deleted its node password (${name}), so the name can join again`);
    seenNodes.delete(node);
  }
}
