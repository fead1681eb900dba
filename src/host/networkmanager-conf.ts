// Pure: the NetworkManager drop-in that keeps NetworkManager off the
// interfaces rfo's network creates. A NetworkManager that manages them gives
// the host end of a pod's veth (or cni0) a DHCP "Wired connection", takes
// addresses and routes away from flannel, and pods lose their network. The
// seed tells users to write this file by hand; rfo writes it when
// NetworkManager runs (host-network.ts) and rfo-uninstall.sh removes it.

/** Interfaces of rfo's default network (flannel + the bridge CNI plugin), as NetworkManager interface-name specs. */
export const networkInterfaces: readonly { readonly name: string; readonly why: string }[] = [
  { name: 'cni0', why: "the bridge CNI plugin's bridge, the pods' gateway" },
  { name: 'flannel*', why: "flannel's VXLAN device (flannel.1)" },
  { name: 'veth*', why: 'the host ends of the pods\' veth pairs' },
];

/**
 * Interfaces each network-policy engine creates. kube-network-policies
 * (nftables + NFQUEUE) creates none; kube-router creates its bridge and, for
 * its service proxy, a dummy device holding the service IPs. All of them are
 * listed whatever engine runs: a pattern that matches nothing costs nothing,
 * and switching engines needs no new drop-in.
 */
export const networkPolicyInterfaces: Readonly<Record<string, readonly string[]>> = {
  'kube-network-policies': [],
  'kube-router': ['kube-bridge', 'kube-dummy-if'],
};

/** Every interface pattern the drop-in lists, in a stable order. */
export function unmanagedInterfaces(): string[] {
  const names = [...networkInterfaces.map((i) => i.name), ...Object.values(networkPolicyInterfaces).flat()];
  return [...new Set(names)];
}

/**
 * The drop-in. `+=` appends to an unmanaged-devices list that an earlier
 * drop-in of the user's set, where `=` would replace it.
 */
export function renderNetworkManagerConf(names: readonly string[] = unmanagedInterfaces()): string {
  return [
    '# Written by rfo (rfo server/agent) and removed by rfo-uninstall.sh:',
    "# NetworkManager leaves the interfaces of rfo's pod network alone.",
    '# Set disable-networkmanager-config: true in /etc/rancher/rfo/config.yaml to manage this file yourself.',
    '[keyfile]',
    `unmanaged-devices+=${names.map((n) => `interface-name:${n}`).join(';')}`,
    '',
  ].join('\n');
}

export interface NetworkManagerInput {
  /** NetworkManager answers on the system bus. */
  readonly running: boolean;
  /** The drop-in's content now, undefined when absent. */
  readonly current: string | undefined;
  readonly desired: string;
  /** nm-cloud-setup units enabled (unit file names) and whether it runs now. */
  readonly cloudSetup: { readonly enabled: readonly string[]; readonly running: boolean };
}

export interface NetworkManagerPlan {
  /** Write the drop-in (absent or different) and then reload NetworkManager's configuration. */
  readonly write: boolean;
  readonly warnings: readonly string[];
}

export function planNetworkManager(i: NetworkManagerInput): NetworkManagerPlan {
  if (!i.running) return { write: false, warnings: [] };
  const warnings: string[] = [];
  if (i.cloudSetup.enabled.length > 0 || i.cloudSetup.running) {
    const what = [...i.cloudSetup.enabled.map((u) => `${u} is enabled`), ...(i.cloudSetup.running ? ['nm-cloud-setup is running'] : [])].join(', ');
    warnings.push(
      `${what}: nm-cloud-setup rewrites the host's routing rules and breaks pod networking (RKE2 documents the same); ` +
        'disable it: systemctl disable --now nm-cloud-setup.service nm-cloud-setup.timer, then reboot',
    );
  }
  return { write: i.current !== i.desired, warnings };
}

/** Unit files whose presence in these systemd "wants" directories means nm-cloud-setup is enabled. */
export const cloudSetupWants: readonly (readonly [string, string])[] = [
  ['timers.target.wants', 'nm-cloud-setup.timer'],
  ['NetworkManager.service.wants', 'nm-cloud-setup.service'],
];
