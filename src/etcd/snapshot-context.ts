// The snapshot settings of a node, from resolved options: shared by
// `rfo server` (schedule, restore) and `rfo etcd-snapshot`.

import { hostname } from 'node:os';
import { join } from 'node:path';
import { RfoError } from '../errors.ts';
import type { FlagValue } from '../config/resolve-config.ts';
import { planPaths, defaultHostRoots } from '../paths/paths.ts';
import { resolveS3Config } from '../s3/resolve-s3-config.ts';
import type { SnapshotContext } from './snapshot-store.ts';
import { parseCron } from './parse-cron.ts';

export function snapshotContext(values: Readonly<Record<string, FlagValue | undefined>>, log: (m: string) => void, nodeName?: string): SnapshotContext {
  const dataDir = typeof values['data-dir'] === 'string' ? values['data-dir'] : defaultHostRoots.dataDir;
  const paths = planPaths({ ...defaultHostRoots, dataDir });
  let s3;
  try {
    s3 = resolveS3Config(values);
  } catch (err) {
    throw new RfoError('RFO_CONFIG_INVALID', (err as Error).message, { hint: 'fix the etcd-s3-* settings (or the --s3-* flags)' });
  }
  const dir = typeof values['etcd-snapshot-dir'] === 'string' && values['etcd-snapshot-dir'] ? values['etcd-snapshot-dir'] : paths.server.snapshotsDir;
  return {
    nodeName: nodeName ?? ((typeof values['node-name'] === 'string' && values['node-name']) || hostname()),
    snapshotDir: dir,
    binDir: paths.binLink,
    tlsDir: paths.server.tlsDir,
    etcdEndpoint: 'https://127.0.0.1:2379',
    s3,
    log,
  };
}

export const adminKubeconfig = (values: Readonly<Record<string, FlagValue | undefined>>): string =>
  join(planPaths({ ...defaultHostRoots, dataDir: typeof values['data-dir'] === 'string' ? values['data-dir'] : defaultHostRoots.dataDir }).server.credDir, 'admin.kubeconfig');

/** For rfo server: the context, plus the checks that must fail before anything is written. */
export function checkedSnapshotContext(values: Readonly<Record<string, FlagValue | undefined>>, log: (m: string) => void, nodeName: string): SnapshotContext {
  if (values['cluster-reset-restore-path'] !== undefined && values['cluster-reset'] !== true) {
    throw new RfoError('RFO_USAGE', '--cluster-reset-restore-path needs --cluster-reset', { hint: 'rfo server --cluster-reset --cluster-reset-restore-path=<snapshot>' });
  }
  try {
    parseCron(typeof values['etcd-snapshot-schedule-cron'] === 'string' ? values['etcd-snapshot-schedule-cron'] : '');
  } catch (err) {
    throw new RfoError('RFO_CONFIG_INVALID', `etcd-snapshot-schedule-cron: ${(err as Error).message}`, { hint: 'five fields: minute hour day-of-month month day-of-week, e.g. "0 */12 * * *", or "@every 6h"' });
  }
  return snapshotContext(values, log, nodeName);
}
