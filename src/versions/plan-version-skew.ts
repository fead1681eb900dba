// Pure: may this node start with its runtime's versions, given what the
// cluster runs? Kubernetes' version skew policy
// (https://kubernetes.io/releases/version-skew-policy/) and etcd's upgrade
// rules, as RKE2's manual upgrade expects them to be followed:
//   - a server moves one minor at a time (1.35 → 1.36 → 1.37), never back;
//   - an agent is never newer than the servers, and at most 3 minors older;
//   - etcd never starts on data written by a newer etcd minor (3.7 data on 3.6).
// Checked before anything is written, so a refused node stays as it was.

import { RfoError } from '../errors.ts';

export interface SkewInput {
  readonly role: 'server' | 'agent';
  /** This node's runtime, e.g. v1.37.2 (from its manifest). */
  readonly kubernetes: string;
  /** What this node ran last (recorded in its data dir), if it ran before. */
  readonly previous?: string;
  /** The Kubernetes version of each server this node learned of (join or config). */
  readonly servers: readonly string[];
  /** This runtime's etcd and the etcd version that last wrote this server's data. */
  readonly etcd?: string;
  readonly etcdData?: string;
}

function minorNumber(version: string): [number, number] {
  const m = /^v?(\d+)\.(\d+)\./.exec(version);
  if (!m) throw new RfoError('RFO_VERSION_SKEW', `cannot read the version "${version}"`, { hint: 'versions look like v1.36.3' });
  return [Number(m[1]), Number(m[2])];
}

/** Minor distance a − b (1.37 − 1.35 = 2); majors other than 1 count 100 minors apart. */
function minorsApart(a: string, b: string): number {
  const [am, an] = minorNumber(a);
  const [bm, bn] = minorNumber(b);
  return (am - bm) * 100 + (an - bn);
}

const short = (v: string) => minorNumber(v).join('.');

/** The newest minor a server may run next to `from`: one up. */
function nextMinor(from: string): string {
  const [m, n] = minorNumber(from);
  return `${m}.${n + 1}`;
}

export function planVersionSkew(input: SkewInput): string[] {
  const notes: string[] = [];
  const here = input.kubernetes;
  if (input.role === 'server') {
    const before = [...(input.previous ? [input.previous] : []), ...input.servers];
    for (const v of before) {
      const d = minorsApart(here, v);
      if (d > 1) {
        throw new RfoError('RFO_VERSION_SKEW', `this server's runtime is Kubernetes ${here}, ${d} minors newer than ${v}, which the cluster runs${v === input.previous ? ' (this node ran it last)' : ''}`, {
          hint: `upgrade one minor at a time: install the newest ${nextMinor(v)} release on every server first, then ${short(here)}; nothing was changed`,
        });
      }
      if (d < 0 && v === input.previous) {
        throw new RfoError('RFO_VERSION_SKEW', `this server ran Kubernetes ${v} and its runtime is now ${here}: a downgrade`, {
          hint: `Kubernetes does not support downgrades; reinstall ${short(v)}, or restore the etcd snapshot taken before the upgrade with --cluster-reset --cluster-reset-restore-path on a ${short(here)} server; nothing was changed`,
        });
      }
      if (d === 1) notes.push(`upgrading from ${v} to ${here}`);
    }
    if (input.etcd && input.etcdData && minorsApart(input.etcd, input.etcdData) < 0) {
      throw new RfoError('RFO_VERSION_SKEW', `the etcd data was last written by etcd ${input.etcdData}, newer than this runtime's etcd ${input.etcd}`, {
        hint: `etcd cannot go back a minor on its data: run the release that ships etcd ${short(input.etcdData)}, or restore a snapshot taken before the upgrade; nothing was changed`,
      });
    }
    // A server older than the others (1.36 joining 1.37) is within the policy's n-1 for the apiservers.
  } else {
    for (const v of input.servers) {
      const d = minorsApart(here, v);
      if (d > 0) {
        throw new RfoError('RFO_VERSION_SKEW', `this agent's runtime is Kubernetes ${here}, newer than the server's ${v}`, {
          hint: `upgrade the servers first (kubelet may not be newer than kube-apiserver), or run the ${short(v)} release on this agent; nothing was changed`,
        });
      }
      if (d < -3) {
        throw new RfoError('RFO_VERSION_SKEW', `this agent's runtime is Kubernetes ${here}, ${-d} minors older than the server's ${v}`, {
          hint: `kubelet may be at most 3 minors older than kube-apiserver: install the ${short(v)} release on this agent; nothing was changed`,
        });
      }
    }
    if (input.previous && minorsApart(here, input.previous) === 1) notes.push(`upgrading from ${input.previous} to ${here}`);
  }
  return notes;
}
