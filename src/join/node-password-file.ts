// The node password a node proves its name with (agent/node-password, 0600):
// made at the first join or first server start, kept with the node's data.
// Agents and servers both have one, so a server's name is registered like
// any other node's and the agent token cannot claim it.

import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../util/atomic-write.ts';

export const nodePasswordFile = (agentDir: string) => join(agentDir, 'node-password');

/** The kept password, or a new one (isNew: not written yet; the caller writes it once the join succeeded). */
export async function readOrMakeNodePassword(agentDir: string): Promise<{ password: string; isNew: boolean }> {
  try {
    const existing = (await readFile(nodePasswordFile(agentDir), 'utf8')).trim();
    if (existing.length >= 16) return { password: existing, isNew: false };
  } catch {
    // first join of this node
  }
  return { password: randomBytes(16).toString('hex'), isNew: true };
}

export async function writeNodePassword(agentDir: string, password: string): Promise<void> {
  await writeFileAtomic(nodePasswordFile(agentDir), `${password}\n`, 0o600);
}
