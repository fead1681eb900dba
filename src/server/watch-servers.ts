// Every server, every 10 s: refresh the etcd member list (agents learn the
// apiserver addresses from it), label its own Node with the server roles,
// remove the etcd member of a server that is really gone, delete the
// node-password secret of any deleted Node so its name can join again, and
// keep this server's own node password registered.
//
// "Really gone" (plan-member-removal.ts): its Node was missing at two ticks
// at least 10 s apart, a direct GET says NotFound, and its member fails the
// health check on its client URLs. Node labels play no part: anyone who may
// patch a Node could otherwise remove etcd members.

import { memberHealthy, removeMember } from '../etcd/etcdctl.ts';
import { decideRemoval, forgetMember, initialRemovalState, planMemberRemovals } from '../etcd/plan-member-removal.ts';
import type { RemovalState } from '../etcd/plan-member-removal.ts';
import { nodeOfPasswordSecret, nodePasswordSecretName } from '../join/node-password.ts';
import { nodePasswordSecretType, parseSecretLines, planNodePasswordCleanup } from '../join/plan-node-password-cleanup.ts';
import type { ExecResult } from '../util/exec.ts';
import type { createJoinService } from './join-service.ts';

const roleLabels = ['node-role.kubernetes.io/control-plane=true', 'node-role.kubernetes.io/etcd=true', 'node-role.kubernetes.io/master=true'];
const secretLines = String.raw`jsonpath={range .items[*]}{.metadata.name}{"\t"}{.metadata.creationTimestamp}{"\n"}{end}`;

type Kubectl = (...a: string[]) => Promise<ExecResult>;

export interface Self {
  readonly name: string;
  readonly password: string;
}

export function watchServers(join: ReturnType<typeof createJoinService>, kubectl: Kubectl, self: Self, log: (m: string) => void, intervalMs = 10_000): NodeJS.Timeout {
  let removal: RemovalState = initialRemovalState;
  const seenNodes = new Set<string>();
  // Why a candidate was kept, logged once per reason (the check repeats every tick).
  const kept = new Map<string, string>();
  let labelled = false;
  let busy = false;
  const tick = async () => {
    const members = await join.refreshMembers();
    if (!labelled) {
      // kubelets may not set node-role labels themselves (NodeRestriction), so the server does.
      labelled = (await kubectl('label', 'node', self.name, ...roleLabels, '--overwrite')).code === 0;
    }
    const got = await kubectl('get', 'nodes', '-o', 'jsonpath={.items[*].metadata.name}');
    if (got.code !== 0) return;
    const nodes = new Set(got.stdout.split(/\s+/).filter(Boolean));
    const planned = planMemberRemovals(removal, { members, nodes, now: Date.now(), self: self.name });
    removal = planned.state;
    for (const candidate of planned.candidates) {
      const direct = await kubectl('get', 'node', candidate.name, '-o', 'name');
      const decision = decideRemoval({ nodeNotFound: direct.code !== 0 && /NotFound|not found/i.test(direct.stderr), memberHealthy: await memberHealthy(join.etcdClient, candidate) });
      if (decision !== 'remove') {
        if (kept.get(candidate.name) !== decision) log(`etcd: node ${candidate.name} is gone from the Node list, but the member is kept (${decision.slice(6)}); stop rfo on ${candidate.name} to have it removed`);
        kept.set(candidate.name, decision);
        continue;
      }
      log(`etcd: node ${candidate.name} was deleted and its etcd member does not answer; removing the member`);
      try {
        await removeMember({ ...join.etcdClient }, candidate.id);
        removal = forgetMember(removal, candidate.name);
        kept.delete(candidate.name);
        const voters = members.filter((m) => !m.isLearner && m.id !== candidate.id).length;
        if (voters % 2 === 0) log(`WARNING: etcd now has ${voters} voting members, an even number; add or remove a server to get back to an odd count`);
      } catch (err) {
        log(`etcd: removing member ${candidate.name} failed: ${(err as Error).message}`);
      }
    }
    await removeNodePasswords(kubectl, nodes, seenNodes, self, join, log);
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

/**
 * Every server runs this; a secret another server deleted first is simply
 * gone (--ignore-not-found). This server's own secret is registered again
 * when it is missing (its Node was deleted while it ran), so its name never
 * stays free for an agent to take.
 */
async function removeNodePasswords(kubectl: Kubectl, nodes: ReadonlySet<string>, seenNodes: Set<string>, self: Self, join: ReturnType<typeof createJoinService>, log: (m: string) => void): Promise<void> {
  const got = await kubectl('-n', 'kube-system', 'get', 'secrets', '--field-selector', `type=${nodePasswordSecretType}`, '-o', secretLines);
  if (got.code !== 0) return;
  const secrets = parseSecretLines(got.stdout);
  const deleted = new Set<string>();
  for (const name of planNodePasswordCleanup(secrets, nodes, seenNodes, Date.now())) {
    const node = nodeOfPasswordSecret(name) ?? name;
    const del = await kubectl('-n', 'kube-system', 'delete', 'secret', name, '--ignore-not-found');
    if (del.code === 0) log(`node ${node} is gone; deleted its node password (${name}), so the name can join again`);
    deleted.add(name);
    seenNodes.delete(node);
  }
  const own = nodePasswordSecretName(self.name);
  if (!secrets.some((s) => s.name === own) || deleted.has(own)) {
    if (!(await join.ensureNodePassword(self.name, self.password))) log(`WARNING: node name ${self.name} was registered by another node with another node password`);
  }
}
