// Pure: the host-networking step's options (host/host-network.ts) from a
// node's settings. Servers know the cluster's CIDRs and ports from their own
// config; agents get them from the server (/v1-rfo/config).

import type { HostNetworkOptions } from '../host/host-network.ts';
import { rfoPorts } from '../host/firewalld-plan.ts';
import type { PortInput } from '../host/firewalld-plan.ts';
import { str } from './prepare-node.ts';
import type { Log, ServerSettings } from './prepare-node.ts';

export interface NodeNetwork extends PortInput {
  readonly clusterCidr: string;
  readonly serviceCidr: string;
}

export function hostNetworkOptions(s: ServerSettings, n: NodeNetwork, log: Log): HostNetworkOptions {
  return {
    networkManager: { enabled: s.values['disable-networkmanager-config'] !== true, confFile: str(s.values['networkmanager-conf']) },
    firewalld: {
      enabled: s.values['disable-firewalld-config'] !== true,
      sources: [n.clusterCidr, n.serviceCidr],
      ports: rfoPorts(n).map((p) => p.port),
      zone: str(s.values['firewalld-zone']),
    },
    nodeIp: s.nodeIp,
    log,
  };
}
