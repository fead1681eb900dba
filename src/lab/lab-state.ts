// <lab-dir>/lab.json: what `up` made and how each node was started, so
// status/stop/start/down work from any later process. Written before the
// first resource is made (a crashed `up` can still be taken down) and
// atomically; 0600 because the argv carries the join token.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../util/atomic-write.ts';
import { RfoError } from '../errors.ts';
import type { LabNodePlan, LabPlan } from './plan-lab.ts';

export interface LabNodeState extends LabNodePlan {
  /** The rfo command line, run again by `rfo lab start`. */
  /** Rewritten by upgradeNode (another runtime). */
  argv: readonly string[];
  /** The node's rfo while it runs (pid of the nsenter → unshare → rfo exec chain). */
  pid?: number;
  /** Its mount namespace ("mnt:[…]"): pids are reused, namespaces identify the node. */
  mntNs?: string;
}

export interface LabState extends Omit<LabPlan, 'nodes'> {
  readonly version: 1;
  readonly runtimeDir: string;
  /** Mount points the lab had to create on the host (e.g. /var/lib/kubelet); removed on down when empty. */
  readonly createdMountPoints: readonly string[];
  readonly nodes: LabNodeState[];
}

export const statePath = (labDir: string): string => join(labDir, 'lab.json');

export async function readState(labDir: string): Promise<LabState | undefined> {
  const text = await readFile(statePath(labDir), 'utf8').catch(() => undefined);
  return text === undefined ? undefined : (JSON.parse(text) as LabState);
}

export async function requireState(labDir: string): Promise<LabState> {
  const state = await readState(labDir);
  if (!state) throw new RfoError('RFO_LAB_NOT_FOUND', `no lab in ${labDir}`, { hint: 'start one with rfo lab up (and pass the same --lab-dir)' });
  return state;
}

export async function writeState(state: LabState): Promise<void> {
  await writeFileAtomic(statePath(state.labDir), `${JSON.stringify(state, null, 2)}\n`, 0o600);
}
