// A CustomResourceDefinition rfo owns (ETCDSnapshotFile, ...): server-side
// apply it, then wait until the apiserver serves its kind (condition
// Established), because creating its objects before that fails with 404.
// Usually the apply answer already says Established (the CRD existed), so
// the wait costs no request; a new CRD takes a second or two.

import { RfoError } from '../errors.ts';
import type { KubeClient } from './kube-client.ts';
import type { KubeObject } from './parse-watch-stream.ts';
import { typeOf } from './resource-path.ts';

export interface Crd extends KubeObject {
  status?: { conditions?: { type: string; status: string; message?: string }[] };
}

/** Pure: whether the CRD's Established condition is True. */
export const crdEstablished = (crd: Crd | undefined): boolean => crd?.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True') === true;

const crdType = typeOf('apiextensions.k8s.io/v1', 'CustomResourceDefinition');

export async function applyCrd(client: Pick<KubeClient, 'apply' | 'get'>, crd: object, o: { timeoutMs?: number; pollMs?: number } = {}): Promise<void> {
  const wanted = crd as KubeObject;
  await waitCrdEstablished(client, wanted.metadata.name, { ...o, first: await client.apply<Crd>(wanted) });
}

/**
 * Wait until a CRD (made by rfo, or by a controller such as helm-controller)
 * is Established; `first` is an answer already in hand (no request for it).
 */
export async function waitCrdEstablished(client: Pick<KubeClient, 'get'>, name: string, o: { timeoutMs?: number; pollMs?: number; first?: Crd; signal?: AbortSignal } = {}): Promise<void> {
  let live: Crd | undefined = o.first ?? (await client.get<Crd>(crdType, name));
  const deadline = Date.now() + (o.timeoutMs ?? 30_000);
  while (!crdEstablished(live)) {
    if (o.signal?.aborted) throw new RfoError('RFO_KUBE_API', `waiting for CustomResourceDefinition ${name}: rfo is stopping`);
    if (Date.now() > deadline) {
      const why = live?.status?.conditions?.find((c) => c.status !== 'True' && c.message)?.message;
      throw new RfoError('RFO_KUBE_API', `CustomResourceDefinition ${name} not Established after ${Math.round((o.timeoutMs ?? 30_000) / 1000)}s${why ? `: ${why}` : live ? '' : ' (it does not exist)'}`, {
        hint: `see kubectl describe crd ${name} and the kube-apiserver log (agent/logs/kube-apiserver.log)`,
      });
    }
    await new Promise((r) => setTimeout(r, o.pollMs ?? 250));
    live = await client.get<Crd>(crdType, name);
  }
}
