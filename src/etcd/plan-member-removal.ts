// Pure: when a server's etcd member may be removed because the server is
// gone (`kubectl delete node <server>`, as in RKE2). Removing a member is
// not undoable and shrinks the quorum, so a single observation never
// suffices, and Node labels count for nothing (whoever may patch a Node can
// change them). A member is a candidate only when
//   - its name was seen as a Node object before (a joining server has a
//     member before its Node registers), it is not a learner, not this server;
//   - its Node was missing from the Node list at two ticks at least
//     confirmAfterMs apart, with no sighting in between.
// The watcher then removes a candidate only if a direct GET of the Node says
// NotFound and the member's client URLs fail etcd's health check
// (decideRemoval): a server that still runs keeps its member.

import type { EtcdMember } from './etcdctl.ts';

export interface RemovalState {
  /** Names seen as Node objects at some tick. */
  readonly seenNodes: ReadonlySet<string>;
  /** Member name → when its Node was first missing, in the current run of misses. */
  readonly missingSince: ReadonlyMap<string, number>;
}

export const initialRemovalState: RemovalState = { seenNodes: new Set(), missingSince: new Map() };

export interface RemovalObservation {
  readonly members: readonly EtcdMember[];
  /** The names of all Node objects (a successful list; a failed one is no observation). */
  readonly nodes: ReadonlySet<string>;
  /** ms since the epoch. */
  readonly now: number;
  readonly self: string;
}

export const confirmAfterMs = 10_000;

export function planMemberRemovals(state: RemovalState, obs: RemovalObservation, confirmAfter = confirmAfterMs): { state: RemovalState; candidates: EtcdMember[] } {
  const seenNodes = new Set([...state.seenNodes, ...obs.nodes]);
  const missingSince = new Map<string, number>();
  const candidates: EtcdMember[] = [];
  for (const m of obs.members) {
    if (m.name === '' || m.name === obs.self || m.isLearner || !state.seenNodes.has(m.name) || obs.nodes.has(m.name)) continue;
    const since = state.missingSince.get(m.name) ?? obs.now;
    missingSince.set(m.name, since);
    if (obs.now - since >= confirmAfter) candidates.push(m);
  }
  return { state: { seenNodes, missingSince }, candidates };
}

/** A removed member's name must be seen as a Node again before it can be a candidate again. */
export function forgetMember(state: RemovalState, name: string): RemovalState {
  const seenNodes = new Set(state.seenNodes);
  seenNodes.delete(name);
  const missingSince = new Map(state.missingSince);
  missingSince.delete(name);
  return { seenNodes, missingSince };
}

export type RemovalDecision = 'remove' | 'keep: its Node exists' | 'keep: its etcd member is healthy';

/** The last checks on a candidate, done by the watcher just before it would remove it. */
export function decideRemoval(checks: { readonly nodeNotFound: boolean; readonly memberHealthy: boolean }): RemovalDecision {
  if (!checks.nodeNotFound) return 'keep: its Node exists';
  if (checks.memberHealthy) return 'keep: its etcd member is healthy';
  return 'remove';
}
