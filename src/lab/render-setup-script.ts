// Pure: the shell script that turns a fresh mount namespace into a lab node
// and then becomes its rfo (or, for `rfo lab exec` on a stopped node, the
// command). It runs as
//   nsenter --net=/run/netns/<ns> -- unshare --mount --uts --propagation slave -- sh <script>
// Its own UTS namespace gives the node its own hostname, as a real host has:
// programs that identify themselves by hostname (helm-controller's leader
// election, for one) must not take two lab nodes for the same host.
// Slave propagation: the node's mounts never reach the host, while the host's
// unmounts still reach the node's copy of the host tree (so the node does not
// pin other tests' mounts and make their directories undeletable).

import { privateDirs } from './plan-lab.ts';

export interface SetupScriptInput {
  /** <lab-dir>/<node>: holds one directory per private path. */
  readonly nodeDir: string;
  /** The node's hostname (its name in the lab). */
  readonly hostname: string;
  readonly argv: readonly string[];
}

/** POSIX shell single-quoting. */
export function shellQuote(s: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(s) ? s : `'${s.replaceAll("'", `'\\''`)}'`;
}

export function renderSetupScript(i: SetupScriptInput): string {
  const q = shellQuote;
  const binds = privateDirs.map((p) => `mount --bind ${q(`${i.nodeDir}/${p.dir}`)} ${q(p.target)}`);
  return [
    '#!/bin/sh',
    '# Written by `rfo lab`: makes this mount namespace a lab node, then runs its rfo.',
    'set -eu',
    '# The copy of the host tree holds network namespace handles (/run/netns/*) of',
    '# other nodes and tests; dropping them here lets their owners delete them.',
    "for m in $(awk '$3 == \"nsfs\" { print $2 }' /proc/self/mounts | sort -r); do umount -l \"$m\" || true; done",
    ...binds,
    `hostname ${q(i.hostname)}`,
    '# A private /run: sockets, runc state, the iptables lock and pod network',
    '# namespaces of this node only.',
    'mount -t tmpfs -o mode=0755,nosuid,nodev tmpfs /run',
    // stderr: `rfo lab exec` on a stopped node runs this script too, and its stdout is the command's.
    `echo "rfo lab: node namespace ready (pid $$), starting: ${i.argv.slice(1, 2).join(' ')}" >&2`,
    `exec ${i.argv.map(q).join(' ')}`,
    '',
  ].join('\n');
}
