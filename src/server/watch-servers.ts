// Every server, every 10 s: refresh the etcd member list (agents learn the
// apiserver addresses from it), label its own Node with the server roles,
// and remove the etcd member of a server whose Node was deleted.

import { removeMember } from '../etcd/etcdctl.ts';
import { planMemberRemovals } from '../etcd/plan-member-removal.ts';
import type { ExecResult } from '../util/exec.ts';
import type { createJoinService } from './join-service.ts';

const roleLabels = ['node-role.kubernetes.io/control-plane=true', 'node-role.kubernetes.io/etcd=true', 'node-role.kubernetes.io/master=true'];

export function watchServers(join: ReturnType<typeof createJoinService>, kubectl: (...a: string[]) => Promise<ExecResult>, self: string, log: (m: string) => void, intervalMs = 10_000): NodeJS.Timeout {
  const seen = new Set<string>();
  let labelled = false;
  let busy = false;
  const tick = async () => {
    const members = await join.refreshMembers();
    if (!labelled) {
      // kubelets may not set node-role labels themselves (NodeRestriction), so the server does.
      labelled = (await kubectl('label', 'node', self, ...roleLabels, '--overwrite')).code === 0;
    }
    const nodes = await kubectl('get', 'nodes', '-l', 'node-role.kubernetes.io/etcd=true', '-o', 'jsonpath={.items[*].metadata.name}');
    if (nodes.code !== 0) return;
    const servers = new Set(nodes.stdout.split(/\s+/).filter(Boolean));
    for (const removed of planMemberRemovals(members, servers, seen, self)) {
      log(`etcd: node ${removed.name} was deleted; removing its etcd member`);
      await removeMember({ ...join.etcdClient }, removed.id).catch((err: unknown) => log(`etcd: removing member ${removed.name} failed: ${(err as Error).message}`));
      seen.delete(removed.name);
      const voters = members.filter((m) => !m.isLearner && m.id !== removed.id).length;
      if (voters % 2 === 0) log(`WARNING: etcd now has ${voters} voting members, an even number; add or remove a server to get back to an odd count`);
    }
    for (const n of servers) seen.add(n);
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
