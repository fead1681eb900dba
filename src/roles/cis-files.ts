// Pure: where the cis profile's files live. In the data dir (server/etc,
// beside flannel-rbac.yaml), not /etc/rancher/rfo as RKE2's rke2-pss.yaml and
// audit-policy.yaml, so every path of a node still follows --data-dir; the
// audit log goes with the component logs in agent/logs.

import { join } from 'node:path';
import type { Paths } from '../paths/paths.ts';

export interface CisServerFiles {
  readonly admissionConfig: string;
  readonly eventRateLimit: string;
  readonly auditPolicy: string;
  readonly auditLog: string;
}

export function cisServerFiles(paths: Paths): CisServerFiles {
  const etc = join(paths.server.dir, 'etc');
  return {
    admissionConfig: join(etc, 'admission-config.yaml'),
    eventRateLimit: join(etc, 'event-rate-limit.yaml'),
    auditPolicy: join(etc, 'audit-policy.yaml'),
    auditLog: join(paths.agent.logsDir, 'audit.log'),
  };
}
