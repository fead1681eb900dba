// rfo's command line: parse argv, run one command, map errors to exit codes.
// This is the only module that touches process.argv, stdout and exit codes.

import { join } from 'node:path';
import { isRfoError, RfoError } from '../errors.ts';
import { renderHelp } from '../config/render-help.ts';
import { resolveConfig, formatIssues } from '../config/resolve-config.ts';
import { readConfigSources } from '../config/read-config-sources.ts';
import { readCommit, readShippedVersions, renderVersion } from './version.ts';
import { runUntilSignal } from './run-until-signal.ts';
// Each command's modules are imported when that command runs: a long-running
// `rfo server` does not carry the lab, verify or snapshot CLI code in memory.

const usage = `Usage: rfo [global options] <command> [options]

Commands:
  server         run a server: etcd, the control plane and a node (--server joins an existing cluster)
  agent          run a worker node that joins a cluster through a server (https://<server>:9345)
  etcd-snapshot  save, list, delete and prune etcd snapshots (local and S3)
  secrets-encrypt  secrets encryption at rest: status, enable, disable, prepare, rotate, reencrypt, rotate-keys
  certificate    check and rotate this node's certificates, rotate the cluster CAs (rfo certificate --help)
  cis            prepare the host for profile: cis; check this node against the CIS Kubernetes Benchmark
  killall        stop rfo and everything it started, unmount, remove pod interfaces and rules (keeps data)
  host-network   remove what rfo set up in NetworkManager and firewalld (rfo-uninstall.sh runs it)
  lab            a multi-node cluster on this host in namespaces (rfo lab help)
  verify         check the installed runtime and airgap images against the signed manifest
  version        print the rfo, Kubernetes and Node versions (also --version, -v)
  help           show this help

Global options:
  --debug        print stack traces for errors
`;

async function main(argv: string[]): Promise<number> {
  const args = argv.filter((a) => a !== '--debug');
  const command = args[0];
  switch (command) {
    case '--version':
    case '-v':
    case 'version':
      process.stdout.write(renderVersion(await readCommit(), process.version, await readShippedVersions()));
      return 0;
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(usage);
      return command === undefined ? 1 : 0;
    case 'server':
      return serverCommand(args.slice(1));
    case 'agent':
      return agentCommand(args.slice(1));
    case 'killall':
      return killallCommand(args.slice(1));
    case 'host-network':
      return (await import('./host-network.ts')).hostNetworkCommand(args.slice(1), log);
    case 'lab':
      return (await import('../lab/lab-command.ts')).labCommand(args.slice(1));
    case 'etcd-snapshot':
      return (await import('./etcd-snapshot.ts')).etcdSnapshotCommand(args.slice(1), log);
    case 'secrets-encrypt':
      return (await import('./secrets-encrypt.ts')).secretsEncryptCommand(args.slice(1), log);
    case 'certificate':
      return (await import('./certificate.ts')).certificateCommand(args.slice(1), log);
    case 'cis':
      return (await import('./cis.ts')).cisCommand(args.slice(1), log);
    case 'verify':
      return verifyCommand(args.slice(1));
    default:
      throw new RfoError('RFO_USAGE', `unknown command "${command}"`, { hint: 'run `rfo help` for the list of commands' });
  }
}

function log(message: string): void {
  process.stderr.write(`${new Date().toISOString()} rfo: ${message}\n`);
}

/** killall takes the server's path options, so it finds an isolated install too. */
async function killallCommand(args: string[]): Promise<number> {
  const resolved = resolveConfig(await readConfigSources('server', args, process.env));
  if (!resolved.ok) throw new RfoError('RFO_CONFIG_INVALID', `invalid configuration:\n${formatIssues(resolved.issues)}`);
  const v = resolved.options.values;
  const dirs = ['data-dir', 'kubelet-dir', 'run-dir'].map((k) => String(v[k] as string));
  const { killall } = await import('../killall/killall.ts');
  await killall({ ownedDirs: dirs, runDir: String(v['run-dir']), cniStateDir: String(v['cni-state-dir']), binDir: join(String(v['data-dir']), 'bin'), log });
  return 0;
}

async function verifyCommand(args: string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write((await import('../verify/verify-install.ts')).verifyUsage);
    return 0;
  }
  const { parseVerifyArgs, renderReport, verifyInstall } = await import('../verify/verify-install.ts');
  const opts = parseVerifyArgs(args, process.env);
  if (opts.vulns) {
    const view = await (await import('../verify/verify-vulns.ts')).verifyVulns(opts);
    process.stdout.write(view.text);
    return view.violations === 0 ? 0 : 1;
  }
  const report = await verifyInstall(opts);
  process.stdout.write(renderReport(report));
  return report.findings.length === 0 ? 0 : 1;
}

async function serverCommand(args: string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(renderHelp('server', 'Run the management server: etcd, the Kubernetes control plane and a kubelet on this node.'));
    return 0;
  }
  const { startServer } = await import('../roles/server.ts');
  const server = await startServer(args, process.env, log);
  if (server.dryRun !== undefined) {
    process.stdout.write(server.dryRun);
    return 0;
  }
  if (server.resetMessage !== undefined) {
    process.stdout.write(`${server.resetMessage}\n`);
    return 0;
  }
  return runUntilSignal(server, log);
}

async function agentCommand(args: string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(renderHelp('agent', 'Run a worker node: containerd, kubelet, kube-proxy and flannel, joined to a cluster through a server.'));
    return 0;
  }
  const { startAgent } = await import('../roles/agent.ts');
  const agent = await startAgent(args, process.env, log);
  if (agent.dryRun !== undefined) {
    process.stdout.write(agent.dryRun);
    return 0;
  }
  return runUntilSignal(agent, log);
}

const debug = process.argv.includes('--debug');
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    if (isRfoError(err)) {
      process.stderr.write(`rfo: error [${err.code}]: ${err.message}\n`);
      if (err.hint) process.stderr.write(`  hint: ${err.hint}\n`);
      if (debug && err.stack) process.stderr.write(`${err.stack}\n`);
      process.exitCode = err.code === 'RFO_USAGE' ? 2 : 1;
    } else {
      process.stderr.write(`rfo: unexpected error: ${err instanceof Error ? (debug ? err.stack : err.message) : String(err)}\n`);
      process.exitCode = 1;
    }
    // A failed start may leave timers or sockets behind; the command is over.
    process.exit();
  },
);
