// Pure: the pod network's CNI configuration, written from flannel's
// subnet.env — what the flannel CNI plugin would do at every pod start, done
// once by rfo (that plugin's module is not available to our source build).
// bridge (cni0) + host-local IPAM for this node's subnet, then portmap
// (hostPort) and bandwidth (traffic shaping annotations).

import { join } from 'node:path';
import { RfoError } from '../errors.ts';
import { intToIpv4, ipv4ToInt } from '../util/ip.ts';

export interface FlannelSubnet {
  readonly network: string;
  readonly subnet: string;
  readonly mtu: number;
  readonly ipMasq: boolean;
}

export function parseSubnetEnv(text: string): FlannelSubnet {
  const vars = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^\s*([A-Z0-9_]+)=(.*)$/.exec(line);
    if (m?.[1]) vars.set(m[1], (m[2] ?? '').trim());
  }
  const network = vars.get('FLANNEL_NETWORK');
  const subnet = vars.get('FLANNEL_SUBNET');
  const mtu = Number(vars.get('FLANNEL_MTU'));
  if (!network || !subnet || !Number.isInteger(mtu) || mtu <= 0) {
    throw new RfoError('RFO_CONFIG_INVALID', 'flannel subnet.env lacks FLANNEL_NETWORK, FLANNEL_SUBNET or FLANNEL_MTU', {
      hint: 'check flanneld.log: flannel writes subnet.env once the node has a pod CIDR',
    });
  }
  return { network, subnet, mtu, ipMasq: vars.get('FLANNEL_IPMASQ') === 'true' };
}

/** 10.42.0.1/24 → 10.42.0.0/24: flannel writes the gateway address, IPAM wants the network. */
export function ipv4Network(cidr: string): string {
  const [ip = '', bitsText = ''] = cidr.split('/');
  const bits = Number(bitsText);
  const size = 2 ** (32 - bits);
  return `${intToIpv4(Math.floor(ipv4ToInt(ip) / size) * size)}/${bits}`;
}

/** The CNI network's name: host-local keeps its reservations in <state dir>/networks/<name>. */
export const podNetworkName = 'rfo-pod-network';

/** Where host-local records which pod holds which IP; rfo killall empties it with the pods it stops. */
export const ipamReservationsDir = (cniStateDir: string): string => join(cniStateDir, 'networks', podNetworkName);

export function renderCniConflist(s: FlannelSubnet, cniStateDir: string): string {
  const conf = {
    cniVersion: '1.0.0',
    name: podNetworkName,
    plugins: [
      {
        type: 'bridge',
        bridge: 'cni0',
        isGateway: true,
        isDefaultGateway: true,
        // flanneld masquerades traffic leaving the cluster network itself.
        ipMasq: !s.ipMasq,
        hairpinMode: true,
        forceAddress: true,
        mtu: s.mtu,
        // isDefaultGateway installs the default route; listing it in IPAM too fails with "file exists".
        // dataDir named, not host-local's host-wide default, so it moves with cni-state-dir.
        ipam: { type: 'host-local', ranges: [[{ subnet: ipv4Network(s.subnet) }]], dataDir: join(cniStateDir, 'networks') },
      },
      { type: 'portmap', capabilities: { portMappings: true } },
      { type: 'bandwidth', capabilities: { bandwidth: true } },
    ],
  };
  return `${JSON.stringify(conf, null, 2)}\n`;
}
