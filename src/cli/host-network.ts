// `rfo host-network remove`: take away what rfo server/agent set up in
// NetworkManager and firewalld (host/host-network.ts). rfo-uninstall.sh runs
// it; it reads the node's config (and RFO_* variables) as killall does, so a
// moved drop-in (networkmanager-conf) is found too.

import { RfoError } from '../errors.ts';
import { formatIssues, resolveConfig } from '../config/resolve-config.ts';
import { readConfigSources } from '../config/read-config-sources.ts';

export const hostNetworkUsage = `Usage: rfo host-network remove [server options]

Removes what rfo server/agent set up on this host: the NetworkManager drop-in
(networkmanager-conf, default /etc/NetworkManager/conf.d/rfo.conf; NetworkManager
reloads) and firewalld's zone rfo and service rfo (from every zone; firewalld
reloads). rfo-uninstall.sh runs it.
`;

export async function hostNetworkCommand(args: readonly string[], log: (message: string) => void): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === '--help' || sub === '-h' || sub === 'help') {
    process.stdout.write(hostNetworkUsage);
    return sub === undefined ? 1 : 0;
  }
  if (sub !== 'remove') throw new RfoError('RFO_USAGE', `unknown host-network command "${sub}"`, { hint: 'rfo host-network remove' });
  const resolved = resolveConfig(await readConfigSources('server', rest, process.env));
  if (!resolved.ok) throw new RfoError('RFO_CONFIG_INVALID', `invalid configuration:\n${formatIssues(resolved.issues)}`);
  const { removeHostNetwork } = await import('../host/host-network.ts');
  await removeHostNetwork({ confFile: String(resolved.options.values['networkmanager-conf']), log });
  return 0;
}
