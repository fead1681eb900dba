// A Warning Event on this node's Node object (as kubelet records its own:
// namespace default, involvedObject uid = the node name), e.g. RKE2's
// CertificateExpirationWarning. Nodes may create Events, so an agent posts
// with its kubelet credential and a server with rfo's admin one.

import type { KubeClient } from './kube-client.ts';
import { typeOf } from './resource-path.ts';

const eventType = typeOf('v1', 'Event');

export async function postNodeWarning(client: KubeClient, nodeName: string, reason: string, message: string, now = new Date()): Promise<void> {
  const at = now.toISOString();
  await client.create(eventType, {
    apiVersion: 'v1',
    kind: 'Event',
    // <object>.<hex time>, as client-go's recorder names events.
    metadata: { name: `${nodeName}.${(now.getTime() * 1e6 + Math.floor(Math.random() * 1e6)).toString(16)}`, namespace: 'default' },
    involvedObject: { apiVersion: 'v1', kind: 'Node', name: nodeName, uid: nodeName },
    reason,
    message,
    type: 'Warning',
    source: { component: 'rfo', host: nodeName },
    firstTimestamp: at,
    lastTimestamp: at,
    count: 1,
  });
}
