// Pure: how `npm run test:integration` splits the integration test files
// into lanes that run side by side. Most of a cluster test's time is spent
// waiting (a Ready node, a job, a rotation), so two lanes on a 2-core host
// finish in a little more than half the time of one. Every cluster test has
// its own test node or lab (netns, subnet, data, run and CNI dirs), so files
// in different lanes do not see each other; the few that touch what the host
// has once (sysctls and users, /etc/NetworkManager, host routes, the install
// prefix) or assert wall-clock limits run alone, before the lanes.

import { RfoError } from '../errors.ts';

/** Files that run alone: host-global state or timing assertions. */
export const exclusiveTestFiles: ReadonlySet<string> = new Set([
  'cis.test.ts', // host sysctls, the etcd user
  'host-networking.test.ts', // /etc/NetworkManager/conf.d, firewalld files
  'lab.test.ts', // asserts which host routes exist (its subnet overlap check)
  'install.test.ts', // installs into prefixes, hides Node from PATH
  'release.test.ts', // builds and verifies a release: CPU-bound
  'supervisor-api-abuse.test.ts', // asserts answers within 125 ms and cut-offs at ~10 s
  // Its failure-policy cases wait on hook jobs with fixed limits; beside another lane (and a
  // cross build) one timed out at 180 s in a validation run (2026-12-06).
  'helm.test.ts',
]);

/**
 * Seconds each file took in a serial CI run on the 2-core host (2026-12-06);
 * used only to balance the lanes. A file not listed counts as `defaultSeconds`.
 */
export const testFileSeconds: Readonly<Record<string, number>> = {
  // Its cold weight (a warm run takes ~4 min): the suite's build at idle priority
  // (~12 min of CPU) plus two subset runs; cold CI is the run the budget is for.
  'conformance-subset.test.ts': 900,
  'ha-servers.test.ts': 714,
  'snapshot.test.ts': 362,
  'secrets-encryption.test.ts': 326,
  'certificate.test.ts': 157,
  'helm.test.ts': 156,
  'addons-metrics-storage.test.ts': 140,
  'network-policy.test.ts': 114,
  'certificate-ha.test.ts': 99,
  'server-e2e.test.ts': 93,
  'certificate-rotate-ca.test.ts': 85,
  'ingress.test.ts': 81,
  'join-agents.test.ts': 51,
  'crash-recovery.test.ts': 43,
  'registries.test.ts': 51,
  'cert-renewal.test.ts': 36,
  'addon-deployer.test.ts': 14,
  'runtime-images.test.ts': 11,
  'base-rootfs.test.ts': 9,
  'snapshot-cli.test.ts': 9,
  'cli-errors.test.ts': 3,
  'runtime-binaries.test.ts': 3,
  'build-errors.test.ts': 1,
};
const defaultSeconds = 30;

export interface TestLanePlan {
  /** Run first, one after another. */
  readonly exclusive: readonly string[];
  /** Run side by side; the files of a lane one after another (node's runner takes them in name order). */
  readonly lanes: readonly (readonly string[])[];
  /** Estimated seconds per lane, for the log. */
  readonly laneSeconds: readonly number[];
}

/** Longest file first into the lane with the least time so far (LPT scheduling). */
export function planTestLanes(files: readonly string[], laneCount: number, weights: Readonly<Record<string, number>> = testFileSeconds): TestLanePlan {
  if (!Number.isInteger(laneCount) || laneCount < 1) throw new RfoError('RFO_USAGE', `lane count must be a positive integer, not ${laneCount}`, { hint: 'set RFO_TEST_LANES to 1 (serial), 2 (the default) or more' });
  const name = (f: string) => f.slice(f.lastIndexOf('/') + 1);
  const weight = (f: string) => weights[name(f)] ?? defaultSeconds;
  const sorted = [...files].sort();
  const exclusive = laneCount === 1 ? [] : sorted.filter((f) => exclusiveTestFiles.has(name(f)));
  const shared = sorted.filter((f) => !exclusive.includes(f)).sort((a, b) => weight(b) - weight(a) || a.localeCompare(b));
  const lanes: string[][] = Array.from({ length: laneCount }, () => []);
  const laneSeconds = Array.from({ length: laneCount }, () => 0);
  for (const f of shared) {
    const i = laneSeconds.indexOf(Math.min(...laneSeconds));
    lanes[i]?.push(f);
    laneSeconds[i] = (laneSeconds[i] ?? 0) + weight(f);
  }
  return { exclusive, lanes: lanes.filter((l) => l.length > 0), laneSeconds: laneSeconds.filter((_, i) => (lanes[i]?.length ?? 0) > 0) };
}
