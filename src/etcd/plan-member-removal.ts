// Pure: which etcd members to remove because their server's Node object was
// deleted (`kubectl delete node <server>`), as RKE2 does. Only names seen as
// server nodes before are candidates, so a server that is still joining
// (member added, Node not registered yet) is never removed, and a server
// never removes itself.

import type { EtcdMember } from './etcdctl.ts';

export function planMemberRemovals(members: readonly EtcdMember[], serverNodes: ReadonlySet<string>, seenBefore: ReadonlySet<string>, self: string): EtcdMember[] {
  return members.filter((m) => m.name !== '' && m.name !== self && seenBefore.has(m.name) && !serverNodes.has(m.name));
}
