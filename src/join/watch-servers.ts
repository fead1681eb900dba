// Every server keeps a watch of the Nodes and of the node-password secrets
// and, every 10 s (and at once when a Node is deleted): refreshes the etcd
// member list (agents learn the apiserver addresses from it), labels its own
// Node with the server roles, removes the etcd member of a server that is
// really gone, deletes the node-password secret of any deleted Node so its
// name can join again, and keeps this server's own node password registered.
// The 10 s tick stays because the member list lives in etcd, not in the API,
// and a removal needs two observations 10 s apart anyway.
//
// "Really gone" (plan-member-removal.ts): its Node was missing at two ticks
// at least 10 s apart, a direct GET says NotFound, and its member fails the
// health check on its client URLs. Node labels play no part: anyone who may
// patch a Node could otherwise remove etcd members.
//
// Nothing here may end rfo: every failure is logged (once while it repeats,
// createFailureLog) and the next tick tries again.

import { memberHealthy, removeMember } from '../etcd/etcdctl.ts';
import type { EtcdMember } from '../etcd/etcdctl.ts';
import { decideRemoval, forgetMember, initialRemovalState, planMemberRemovals } from '../etcd/plan-member-removal.ts';
import type { RemovalState } from '../etcd/plan-member-removal.ts';
import { nodeOfPasswordSecret, nodePasswordSecretName } from './node-password.ts';
import { nodePasswordSecretType, parseNodePasswordSecrets, planNodePasswordCleanup } from './plan-node-password-cleanup.ts';
import type { KubeClient } from '../kube/kube-client.ts';
import type { KubeObject } from '../kube/parse-watch-stream.ts';
import { typeOf } from '../kube/resource-path.ts';
import { watchCollection } from '../kube/watch-collection.ts';
import { createFailureLog } from '../util/failure-log.ts';
import type { FailureLog } from '../util/failure-log.ts';
import type { createJoinService } from './join-service.ts';

// kubelets may not set node-role labels themselves (NodeRestriction), so the server does.
const roleLabels = { 'node-role.kubernetes.io/control-plane': 'true', 'node-role.kubernetes.io/etcd': 'true', 'node-role.kubernetes.io/master': 'true' };
const nodeType = typeOf('v1', 'Node');
const secretType = typeOf('v1', 'Secret');

export interface Self {
  readonly name: string;
  readonly password: string;
}

export interface ServerWatch {
  stop(): void;
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** A watched collection whose items count as an observation only while its list+watch works. */
function observed<T extends KubeObject>(client: KubeClient, what: string, failures: FailureLog, log: (m: string) => void, o: { type: typeof nodeType; namespace?: string; fieldSelector?: string; onEvent: (type: string, item: T) => void }) {
  let healthy = false;
  const c = watchCollection<T>(client, o.type, {
    ...(o.namespace ? { namespace: o.namespace } : {}),
    ...(o.fieldSelector ? { fieldSelector: o.fieldSelector } : {}),
    what,
    log,
    onChange: (_items, e) => {
      if (e) o.onEvent(e.type, e.object);
      else {
        healthy = true; // a complete list
        failures.ok(what);
      }
    },
    onError: (err) => {
      healthy = false; // the view may be stale until the next complete list
      failures.fail(what, message(err));
    },
  });
  return { items: () => (healthy ? c.items() : undefined), get: (name: string) => c.get(name), stop: () => c.stop() };
}

export function watchServers(join: ReturnType<typeof createJoinService>, client: KubeClient, self: Self, log: (m: string) => void, intervalMs = 10_000): ServerWatch {
  const failures = createFailureLog((m) => log(`server watcher: ${m}`));
  let removal: RemovalState = initialRemovalState;
  const seenNodes = new Set<string>();
  // Why a candidate was kept, logged once per reason (the check repeats every tick).
  const kept = new Map<string, string>();
  // The uid of this server's Node when it was labelled: a Node deleted and
  // registered again is labelled again; a label an admin removes later stays removed.
  let labelledUid: string | undefined;
  let busy = false;
  let again = false;

  const nodes = observed<KubeObject>(client, 'watching Nodes', failures, log, {
    type: nodeType,
    onEvent: (type, n) => {
      if (type === 'DELETED' || (n.metadata.name === self.name && n.metadata.uid !== labelledUid)) kick();
    },
  });
  const secrets = observed<KubeObject>(client, 'watching node-password secrets', failures, log, {
    type: secretType,
    namespace: 'kube-system',
    fieldSelector: `type=${nodePasswordSecretType}`,
    onEvent: (type) => {
      if (type === 'DELETED') kick();
    },
  });

  const labelOwnNode = async () => {
    const own = nodes.get(self.name);
    if (!own || own.metadata.uid === labelledUid) return; // not registered yet, or done
    try {
      await client.mergePatch(nodeType, self.name, { metadata: { labels: roleLabels } });
      labelledUid = own.metadata.uid;
      failures.ok('labelling this Node');
    } catch (err) {
      failures.fail('labelling this Node', message(err));
    }
  };

  const removeGoneMembers = async (members: EtcdMember[], names: ReadonlySet<string>) => {
    const planned = planMemberRemovals(removal, { members, nodes: names, now: Date.now(), self: self.name });
    removal = planned.state;
    for (const candidate of planned.candidates) {
      let nodeNotFound = false;
      try {
        nodeNotFound = (await client.get(nodeType, candidate.name)) === undefined;
        failures.ok(`reading Node ${candidate.name}`);
      } catch (err) {
        failures.fail(`reading Node ${candidate.name}`, message(err)); // not a NotFound: the member is kept
      }
      const decision = decideRemoval({ nodeNotFound, memberHealthy: await memberHealthy(join.etcdClient, candidate) });
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
        failures.ok(`removing etcd member ${candidate.name}`);
        const voters = members.filter((m) => !m.isLearner && m.id !== candidate.id).length;
        if (voters % 2 === 0) log(`WARNING: etcd now has ${voters} voting members, an even number; add or remove a server to get back to an odd count`);
      } catch (err) {
        failures.fail(`removing etcd member ${candidate.name}`, message(err));
      }
    }
  };

  const tick = async () => {
    let members: EtcdMember[];
    try {
      members = await join.refreshMembers();
      failures.ok('listing etcd members');
    } catch (err) {
      failures.fail('listing etcd members', message(err));
      return;
    }
    await labelOwnNode();
    const nodeItems = nodes.items();
    if (!nodeItems) return; // no complete view of the Nodes: no observation
    const names = new Set(nodeItems.map((n) => n.metadata.name));
    await removeGoneMembers(members, names);
    await removeNodePasswords(client, secrets.items(), names, seenNodes, self, join, failures, log);
    for (const n of names) seenNodes.add(n);
  };

  // One tick at a time; a kick during a tick runs another right after it.
  function kick(): void {
    if (busy) {
      again = true;
      return;
    }
    busy = true;
    void tick()
      .catch((err: unknown) => failures.fail('checking the servers', message(err)))
      .finally(() => {
        busy = false;
        if (again) {
          again = false;
          kick();
        }
      });
  }
  const timer = setInterval(kick, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      nodes.stop();
      secrets.stop();
    },
  };
}

/**
 * Every server runs this; a secret another server deleted first is simply
 * gone (delete answers false). This server's own secret is registered again
 * when it is missing (its Node was deleted while it ran), so its name never
 * stays free for an agent to take. Without a complete view of the secrets
 * (their watch failing) nothing is done.
 */
async function removeNodePasswords(
  client: KubeClient,
  listed: KubeObject[] | undefined,
  nodes: ReadonlySet<string>,
  seenNodes: Set<string>,
  self: Self,
  join: ReturnType<typeof createJoinService>,
  failures: FailureLog,
  log: (m: string) => void,
): Promise<void> {
  if (!listed) return;
  const secrets = parseNodePasswordSecrets(listed);
  const deleted = new Set<string>();
  for (const name of planNodePasswordCleanup(secrets, nodes, seenNodes, Date.now())) {
    const node = nodeOfPasswordSecret(name) ?? name;
    try {
      if (await client.delete(secretType, name, 'kube-system')) log(`node ${node} is gone; deleted its node password (${name}), so the name can join again`);
      failures.ok(`deleting ${name}`);
    } catch (err) {
      failures.fail(`deleting ${name}`, message(err)); // kept as a candidate: the next tick tries again
      continue;
    }
    deleted.add(name);
    seenNodes.delete(node);
  }
  const own = nodePasswordSecretName(self.name);
  if (!secrets.some((s) => s.name === own) || deleted.has(own)) {
    try {
      if (await join.ensureNodePassword(self.name, self.password)) failures.ok('registering this node password');
      else failures.fail('registering this node password', `WARNING: node name ${self.name} was registered by another node with another node password`);
    } catch (err) {
      failures.fail('registering this node password', message(err));
    }
  }
}
