// `rfo cis prepare|check`: prepare a host for profile: cis (the sysctl
// drop-in, the etcd account), and evaluate this node against the CIS
// Kubernetes Benchmark (src/cis/). The decisions are pure (plan-cis-host.ts,
// evaluate-cis.ts, render-cis-report.ts); this file reads the config, runs
// them and prints.

import { hostname } from 'node:os';
import { RfoError } from '../errors.ts';
import { formatIssues, resolveConfig } from '../config/resolve-config.ts';
import { readConfigSources } from '../config/read-config-sources.ts';
import { renderHelp } from '../config/render-help.ts';
import { prepareCisHost } from '../host/cis-host.ts';

const summary = `Prepare this host for profile: cis, or check this node against the CIS Kubernetes Benchmark.

Subcommands:
  prepare     write the sysctl drop-in (--sysctl-conf) with the kernel parameters kubelet's
              protectKernelDefaults needs and apply it now, and create the etcd user and
              group (useradd -r -c "etcd user" -s /sbin/nologin -M etcd -U); a second run
              changes nothing
  check       evaluate the benchmark's checks against this node's running components
              (their command lines in /proc), files and, on a server, API objects;
              prints [PASS]/[FAIL]/[WARN]/[INFO] per check and totals (-o json: kube-bench's
              JSON shape); exits 1 when a check FAILs`;

export async function cisCommand(args: string[], log: (m: string) => void): Promise<number> {
  const verb = args[0];
  if (verb === undefined || verb === 'help' || args.includes('--help') || args.includes('-h')) {
    process.stdout.write(renderHelp('cis', summary).replace('rfo cis [options]', 'rfo cis <prepare|check> [options]'));
    return verb === undefined ? 1 : 0;
  }
  if (verb !== 'prepare' && verb !== 'check') throw new RfoError('RFO_USAGE', `rfo cis needs prepare or check, not "${verb}"`, { hint: 'rfo cis --help' });
  const resolved = resolveConfig(await readConfigSources('cis', args.slice(1), process.env));
  if (!resolved.ok) throw new RfoError('RFO_USAGE', `invalid options:\n${formatIssues(resolved.issues)}`, { hint: 'rfo cis --help lists the options; nothing was changed' });
  const v = resolved.options.values;
  if (process.getuid?.() !== 0) throw new RfoError('RFO_USAGE', `rfo cis ${verb} must run as root`, { hint: verb === 'prepare' ? 'it writes /etc/sysctl.d and /proc/sys and adds a system user' : 'it reads root-only files and the processes of rfo' });
  if (verb === 'prepare') {
    const done = await prepareCisHost(String(v['sysctl-conf']), log);
    process.stdout.write(done.length === 0 ? 'this host is prepared for profile: cis; nothing to do\n' : `this host is now prepared for profile: cis (${done.length} change(s))\n`);
    return 0;
  }
  const { collectCisFacts } = await import('../cis/collect-cis-facts.ts');
  const { cisChecks } = await import('../cis/cis-checks.ts');
  const { evaluateCis, totals } = await import('../cis/evaluate-cis.ts');
  const { renderCisJson, renderCisTable } = await import('../cis/render-cis-report.ts');
  const facts = await collectCisFacts({ dataDir: String(v['data-dir']), runDir: String(v['run-dir']), cniConfDir: String(v['cni-conf-dir']), cniStateDir: String(v['cni-state-dir']) });
  if (Object.keys(facts.processes).length === 0) {
    log(`WARNING: no component of rfo runs with run dir ${String(v['run-dir'])}: the checks of command lines fail; pass the --run-dir (or --config) rfo runs with`);
  }
  if (facts.apiError) log(`WARNING: the API objects could not be read (${facts.apiError}): the policy checks (5.x) are WARN`);
  const results = evaluateCis(cisChecks, facts);
  const header = { node: hostname(), role: facts.role };
  process.stdout.write(String(v.output) === 'json' ? renderCisJson(results, header) : renderCisTable(results, header));
  return totals(results).fail > 0 ? 1 : 0;
}
