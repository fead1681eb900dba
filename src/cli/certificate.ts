// `rfo certificate check|rotate|rotate-ca`: RKE2's certificate command. The
// decisions are pure (pki/plan-inventory.ts, plan-cert-rotation.ts,
// render-cert-check.ts, plan-ca-rotation.ts); this file reads the node's
// config, reads and writes files, and prints.

import { existsSync } from 'node:fs';
import { cp, mkdir, readFile, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { makeBackupDir } from '../pki/backup-tls.ts';
import { RfoError } from '../errors.ts';
import { formatIssues, resolveConfig } from '../config/resolve-config.ts';
import { readConfigSources } from '../config/read-config-sources.ts';
import { renderHelp } from '../config/render-help.ts';
import { managedKubeconfigs, planInventory, resolveServices } from '../pki/plan-inventory.ts';
import type { CertService, NodeRole } from '../pki/plan-inventory.ts';
import { certStatus, collectCertRows, renderCheckJson, renderCheckTable } from '../pki/render-cert-check.ts';
import { planCertRotation } from '../pki/plan-cert-rotation.ts';
import { liveRfoPid } from '../supervisor/recover-leftovers.ts';
import { kubeletCertDir } from '../components/plan-node.ts';
import { parseCertificateArgs } from './parse-certificate-args.ts';
import type { CertificateVerb } from './parse-certificate-args.ts';

const summary = `Manage the certificates of this node (rfo server or rfo agent; RKE2's certificate command).

Subcommands:
  check       list every certificate rfo manages here: subject, usages, expiry, status
              (ok, expiring = renewed at the next start, expired); -o json adds issuer and components
  rotate      with rfo stopped: back up the certificates, remove the leaves of --service
              (default: all on a server; kubelet, kube-proxy, rfo-controller on an agent);
              the next start issues them again under the same CAs
  rotate-ca   send new CA files (--path <dir>, named as in server/tls, cross-signed by the
              current CAs) to a running server (--server, default https://127.0.0.1:9345);
              restart every server, then every agent, to use them`;

const verbHelp: Readonly<Record<CertificateVerb, string>> = {
  check: 'Usage: rfo certificate check [-o table|json] [--service a,b] [--data-dir dir]\n\nList every certificate rfo manages on this node (server: server/tls, CAs included; agent: agent/*.crt; and kubeconfig certificates that are in no file), with FILENAME SUBJECT USAGES EXPIRES RESIDUAL-TIME STATUS. STATUS is ok, expiring (under 90 days left: renewed at the next start) or expired; the exit code is 1 when one has expired. -o json adds the issuer, days left and the components that use each certificate.\n',
  rotate: 'Usage: rfo certificate rotate [--service a,b] [--data-dir dir] [--run-dir dir]\n\nRun while rfo is stopped. Copies server/tls to server/tls-<unix seconds> (an agent: its certificate files to agent/tls-<unix seconds>), then removes the leaf certificates and keys of the services (never a CA); the next start of rfo issues them again under the same CAs. Services: admin, api-server, controller-manager, scheduler, rfo-controller (flanneld; also "flannel"), rfo-server (the supervisor on 9345), cloud-controller (none in rfo: nothing to do), etcd, auth-proxy, kubelet, kube-proxy, helm-controller. Default: all on a server; kubelet, kube-proxy, rfo-controller on an agent.\n',
  'rotate-ca': 'Usage: rfo certificate rotate-ca --path <dir> [--force] [--server https://127.0.0.1:9345] [--token T] [--data-dir dir]\n\nSends new CA material to a running server: <dir> holds any of server-ca.crt/.key, client-ca.crt/.key, request-header-ca.crt/.key, etcd/server-ca.crt/.key, etcd/peer-ca.crt/.key, service.key; files not given keep their current value. Each new CA certificate file must be a bundle whose first certificate is the new CA and that chains to the current CA (cross-signed), its key must match it, and a new service.key must still contain the current key; --force skips these checks. The server hands them on to every other server; each checks them against its own files and, only when all accept, backs up server/tls and writes them (a server that is down or refuses stops it: nothing is written anywhere). Then restart each server, then each agent. If server-ca changed, the token hash changes: agents and servers joining later need the new token from server/token.\n',
};

export async function certificateCommand(args: string[], log: (m: string) => void): Promise<number> {
  const parsed = parseCertificateArgs(args);
  if (args.includes('--help') || args.includes('-h') || args[0] === 'help') {
    const serverFlag = `  ${'    --server value'.padEnd(38)} rotate-ca: the supervisor of the server to send the files to (default: https://127.0.0.1:<supervisor-port>)\n`;
    process.stdout.write(parsed.verb ? verbHelp[parsed.verb] : renderHelp('certificate', summary).replace('rfo certificate [options]', 'rfo certificate <check|rotate|rotate-ca> [options]') + serverFlag);
    return 0;
  }
  if (!parsed.verb) {
    throw new RfoError('RFO_USAGE', `rfo certificate needs a subcommand${parsed.other ? `, not "${parsed.other}"` : ''}`, { hint: 'one of check, rotate, rotate-ca (rfo certificate --help)' });
  }
  const resolved = resolveConfig(await readConfigSources('certificate', parsed.flags, process.env));
  if (!resolved.ok) throw new RfoError('RFO_USAGE', `invalid options:\n${formatIssues(resolved.issues)}`, { hint: 'rfo certificate --help lists the options; nothing was changed' });
  const v = resolved.options.values;
  const dataDir = String(v['data-dir']);
  const services = (v.service as string[] | undefined) ?? [];
  switch (parsed.verb) {
    case 'check':
      return check(dataDir, services, String(v.output));
    case 'rotate':
      return rotate(dataDir, String(v['run-dir']), String(v['kubelet-dir']), services, log);
    case 'rotate-ca': {
      const { rotateCa } = await import('./certificate-rotate-ca.ts');
      return rotateCa({ dataDir, path: v.path === undefined ? undefined : String(v.path), force: v.force === true, server: parsed.server ?? `https://127.0.0.1:${String(v['supervisor-port'])}`, token: v.token === undefined ? undefined : String(v.token) }, log);
    }
  }
}

/** A server has server/tls; an agent only its fetched files under agent/. */
export function nodeRoleOf(dataDir: string): NodeRole {
  if (existsSync(join(dataDir, 'server/tls/server-ca.crt'))) return 'server';
  if (existsSync(join(dataDir, 'agent/server-ca.crt'))) return 'agent';
  throw new RfoError('RFO_CERT_NOT_FOUND', `no rfo certificates under ${dataDir} (neither server/tls nor agent/server-ca.crt)`, {
    hint: 'pass the --data-dir (or --config) rfo server / rfo agent runs with; certificates exist once rfo has started once',
  });
}

function selectServices(role: NodeRole, requested: readonly string[]): { services: CertService[]; notes: readonly string[] } {
  const sel = resolveServices(role, requested);
  if (!sel.ok) throw new RfoError('RFO_USAGE', `${sel.message}; nothing was changed`, { hint: sel.hint });
  return { services: [...sel.services], notes: sel.notes };
}

async function check(dataDir: string, requested: readonly string[], output: string): Promise<number> {
  if (output !== 'table' && output !== 'json') throw new RfoError('RFO_USAGE', `-o ${output}: use table or json`);
  const role = nodeRoleOf(dataDir);
  const { services, notes } = selectServices(role, requested);
  const paths = [...planInventory(role).map((c) => c.certFile), ...managedKubeconfigs[role].map((k) => k.file)];
  const files = new Map<string, string>();
  for (const p of paths) {
    const text = await readFile(join(dataDir, p), 'utf8').catch(() => undefined);
    if (text !== undefined) files.set(p, text);
  }
  const rows = collectCertRows(role, files, requested.length > 0 ? services : undefined);
  const now = new Date();
  process.stdout.write(output === 'json' ? renderCheckJson(rows, now) : renderCheckTable(rows, now));
  for (const n of notes) process.stderr.write(`${n}\n`);
  // Scripts and monitoring read the exit code: 1 when anything has expired.
  const expired = rows.filter((r) => certStatus(r.notAfter, now) === 'expired').length;
  if (expired === 0) return 0;
  process.stderr.write(`${expired} certificate(s) expired: run \`rfo certificate rotate\` and restart rfo (or just restart rfo: it renews expired leaves at start)\n`);
  return 1;
}

async function rotate(dataDir: string, runDir: string, kubeletDir: string, requested: readonly string[], log: (m: string) => void): Promise<number> {
  const role = nodeRoleOf(dataDir);
  const { services, notes } = selectServices(role, requested);
  const pid = await liveRfoPid(runDir);
  if (pid !== undefined) {
    throw new RfoError('RFO_RUNNING', `rfo is running for run dir ${runDir} (pid ${pid}); certificates are rotated while it is stopped; nothing was changed`, {
      hint: `stop it (systemctl stop rfo-${role}, or kill ${pid}), run rfo certificate rotate again, then start rfo`,
    });
  }
  const inventory = planInventory(role).flatMap((c) => [c.certFile, ...(c.keyFile ? [c.keyFile] : [])]);
  const present = new Set(inventory.filter((f) => existsSync(join(dataDir, f))));
  const plan = planCertRotation(role, services, present, Date.now() / 1000);
  const backup = await makeBackupDir(join(dataDir, plan.backupDir));
  if (plan.copyDir) await cp(join(dataDir, plan.copyDir.from), backup, { recursive: true, preserveTimestamps: true });
  for (const f of plan.copyFiles) await cp(join(dataDir, f.from), join(dataDir, f.to), { preserveTimestamps: true });
  // kubelet prefers the pairs it rotated through the CSR API (--cert-dir) to rfo's files:
  // rotating kubelet moves them into the backup too, or the old pair would stay in use.
  const kubeletPki = kubeletCertDir({ kubeletRootDir: kubeletDir });
  const rotatedPairs = services.includes('kubelet') ? (await readdir(kubeletPki).catch(() => [] as string[])).filter((f) => /^kubelet-(client|server)-.*\.pem$/.test(f)) : [];
  if (rotatedPairs.length > 0) await mkdir(join(backup, 'kubelet-pki'), { mode: 0o700 });
  for (const f of rotatedPairs) await cp(join(kubeletPki, f), join(backup, 'kubelet-pki', f), { preserveTimestamps: true, verbatimSymlinks: true });
  // Removed only once every copy exists: a failed copy leaves the certificates as they were.
  for (const f of plan.remove) await rm(join(dataDir, f), { force: true });
  for (const f of rotatedPairs) await rm(join(kubeletPki, f), { force: true });
  if (rotatedPairs.length > 0) log(`rotated kubelet's own pairs (CSR API): ${rotatedPairs.join(', ')}`);
  for (const n of notes) log(n);
  log(`backed up to ${backup}`);
  if (plan.rotated.length === 0) log('no certificate of these services exists on this node; nothing removed');
  for (const r of plan.rotated) log(`rotated ${r.service}: ${r.files.join(', ')}`);
  process.stdout.write(plan.rotated.length > 0 ? `certificates rotated (${plan.rotated.map((r) => r.service).join(', ')}); restart rfo to apply\n` : 'nothing to rotate\n');
  return 0;
}
