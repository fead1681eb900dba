// Runs rfo's host-networking step exactly as `rfo server`/`rfo agent` do
// (flags resolved from argv and the config file, settings, options,
// applyHostNetwork) and nothing else of a node, in whatever network
// namespace it is started in; prints the result as JSON on stdout, rfo's log
// on stderr; `ms` is how long applyHostNetwork took.
//   node host-network-step.ts server|agent [rfo flags…]
// RFO_TEST_SYSTEMD_DIR replaces /etc/systemd/system (nm-cloud-setup check).

import { resolveConfig, formatIssues } from '../../../src/config/resolve-config.ts';
import { readConfigSources } from '../../../src/config/read-config-sources.ts';
import { readHostFacts } from '../../../src/host/host-facts.ts';
import { applyHostNetwork } from '../../../src/host/host-network.ts';
import { settingsFrom } from '../../../src/roles/prepare-node.ts';
import { resolveServerSettings } from '../../../src/roles/resolve-server-settings.ts';
import { hostNetworkOptions } from '../../../src/roles/host-network-options.ts';

const [role = 'server', ...args] = process.argv.slice(2);
const log = (m: string) => process.stderr.write(`rfo: ${m}\n`);
// Agents take the cluster's CIDRs from a server; here they come as server flags.
const resolved = resolveConfig(await readConfigSources('server', args, process.env));
if (!resolved.ok) throw new Error(formatIssues(resolved.issues));
const s = settingsFrom(resolved.options.values, await readHostFacts());
const c = resolveServerSettings(s.values, s.nodeIp);
const options = hostNetworkOptions(
  s,
  { role: role === 'agent' ? 'agent' : 'server', clusterCidr: c.clusterCidr, serviceCidr: c.serviceCidr, nodePortRange: c.serviceNodePortRange, httpsPort: c.httpsPort, supervisorPort: c.supervisorPort, flannel: c.flannel },
  log,
);
const systemdDir = process.env.RFO_TEST_SYSTEMD_DIR;
const started = Date.now();
const result = await applyHostNetwork({ ...options, ...(systemdDir ? { systemdDir } : {}) });
process.stdout.write(`${JSON.stringify({ ...result, ms: Date.now() - started })}\n`);
