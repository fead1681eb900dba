// Every server watches the kubelet serving certificate requests and approves
// those planCsrApproval accepts (a node's own name and registered addresses),
// denies the hostile ones and logs the rest, which stay pending for an
// operator. kube-controller-manager then signs approved ones with kubelet-ca.
//
// Every server runs it: an approval is a PUT of the approval subresource with
// the request's resourceVersion, so when two servers act on the same request
// one gets 409 Conflict and drops it; the watch then shows it decided.
// Nothing here may end rfo: failures are logged (once while they repeat) and
// the next change, or a retry 10 s later, tries again.

import type { KubeClient } from '../kube/kube-client.ts';
import { isConflict, isNotFound } from '../kube/kube-client.ts';
import type { KubeObject } from '../kube/parse-watch-stream.ts';
import { resourcePath, typeOf } from '../kube/resource-path.ts';
import { watchCollection } from '../kube/watch-collection.ts';
import { kubeletServingSigner, planCsrApproval } from '../kube/plan-csr-approval.ts';
import type { CsrDecision } from '../kube/plan-csr-approval.ts';
import { createFailureLog } from '../util/failure-log.ts';
import { readRegisteredNodeIps } from './node-ips.ts';

interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastUpdateTime?: string;
}

interface Csr extends KubeObject {
  spec?: { signerName?: string; username?: string; groups?: string[]; usages?: string[]; request?: string };
  status?: { conditions?: Condition[] };
}

const csrType = typeOf('certificates.k8s.io/v1', 'CertificateSigningRequest');
/** After a failed review (apiserver away, a write refused), the next look. */
const retryMs = 10_000;

export interface Loop {
  stop(): void;
}

export function startCsrApprover(client: KubeClient, log: (m: string) => void): Loop {
  const failures = createFailureLog(log);
  /** uid → what was done or logged for it, so a request is acted on (and logged) once. */
  const done = new Map<string, string>();
  let queue = Promise.resolve();

  const act = async (csr: Csr, d: Exclude<CsrDecision, { action: 'skip' }>) => {
    const name = csr.metadata.name;
    if (d.action === 'pending') {
      log(`kubelet serving certificate request ${name} left pending: ${d.reason}; approve it by hand (kubectl certificate approve ${name}) if you trust it`);
      return;
    }
    const condition: Condition = d.action === 'approve'
      ? { type: 'Approved', status: 'True', reason: 'RfoNodeOwnNames', message: d.message, lastUpdateTime: new Date().toISOString() }
      : { type: 'Denied', status: 'True', reason: 'RfoNotNodeOwnNames', message: d.reason, lastUpdateTime: new Date().toISOString() };
    const body = { ...csr, status: { ...csr.status, conditions: [...(csr.status?.conditions ?? []), condition] } };
    try {
      await client.request('PUT', resourcePath(csrType, { name, subresource: 'approval' }), body);
    } catch (err) {
      // Another server decided it first (or it was deleted): the watch shows the outcome.
      if (isConflict(err) || isNotFound(err)) return;
      throw err;
    }
    log(d.action === 'approve' ? `approved kubelet serving certificate request ${name} of node ${d.node}` : `denied kubelet serving certificate request ${name}: ${d.reason}`);
  };

  const review = async (items: Csr[]) => {
    const open = items.filter((c) => (c.status?.conditions ?? []).length === 0 && !done.has(c.metadata.uid ?? c.metadata.name));
    if (open.length === 0) return;
    const registered = await readRegisteredNodeIps(client);
    for (const csr of open) {
      const d = planCsrApproval(
        {
          name: csr.metadata.name,
          signerName: csr.spec?.signerName ?? '',
          username: csr.spec?.username ?? '',
          groups: csr.spec?.groups ?? [],
          usages: csr.spec?.usages ?? [],
          requestPem: Buffer.from(csr.spec?.request ?? '', 'base64').toString('utf8'),
          conditions: (csr.status?.conditions ?? []).map((c) => c.type),
        },
        registered,
      );
      if (d.action === 'skip') continue;
      await act(csr, d);
      done.set(csr.metadata.uid ?? csr.metadata.name, d.action);
    }
    // Forget requests that are gone (kube-controller-manager cleans them up).
    const present = new Set(items.map((c) => c.metadata.uid ?? c.metadata.name));
    for (const uid of done.keys()) if (!present.has(uid)) done.delete(uid);
  };

  let retry: NodeJS.Timeout | undefined;
  let stopped = false;
  // One review at a time: a burst of events must not approve a request twice.
  const enqueue = (items: Csr[]) => {
    queue = queue
      .then(() => review(items))
      .then(
        () => failures.ok('kubelet serving certificate approval'),
        (err: unknown) => {
          failures.fail('kubelet serving certificate approval', (err as Error).message);
          // No event may come for a while (kubelet waits for its request): look again soon.
          if (!stopped && !retry) {
            retry = setTimeout(() => {
              retry = undefined;
              enqueue(watch.items());
            }, retryMs);
          }
        },
      );
  };
  const watch = watchCollection<Csr>(client, csrType, {
    fieldSelector: `spec.signerName=${kubeletServingSigner}`,
    what: 'kubelet serving certificate approver',
    log,
    onChange: (items) => enqueue(items),
  });
  return {
    stop: () => {
      stopped = true;
      if (retry) clearTimeout(retry);
      watch.stop();
    },
  };
}
