// Pure: the text `rfo server --dry-run` and `rfo agent --dry-run` print:
// what would start (in stages), with which command lines, which files and
// certificates would be written, which add-ons deployed, and the warnings.

import type { ProcessSpec } from '../supervisor/process-spec.ts';
import type { CertSpec } from '../pki/specs.ts';
import type { HostFacts } from '../host/host-facts.ts';

export interface NodePlanView {
  readonly role: 'server' | 'agent';
  readonly nodeName: string;
  readonly nodeIp: string;
  readonly runtime: { readonly dir: string; readonly manifest: { readonly key: string; readonly rfoVersion: string; readonly kubernetesVersion: string } };
  readonly facts: Pick<HostFacts, 'cgroupV1' | 'systemdPid1' | 'isRoot'>;
  readonly stages: readonly (readonly string[])[];
  readonly processes: readonly ProcessSpec[];
  readonly files: readonly string[];
  readonly certificates?: readonly CertSpec[];
  readonly certificatesDir?: string;
  readonly addons?: { readonly deploy: readonly string[]; readonly remove: readonly string[] };
  readonly joins?: string;
  readonly warnings: readonly string[];
}

/** Quote an argument the way a shell would need it, so a line can be pasted. */
const shellQuote = (a: string) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replaceAll("'", "'\\''")}'`);

export function renderNodePlan(v: NodePlanView): string {
  const out: string[] = [];
  out.push(`rfo ${v.role} --dry-run: nothing was started or written`);
  out.push(`node ${v.nodeName} (${v.nodeIp}); runtime ${v.runtime.manifest.key} (rfo ${v.runtime.manifest.rfoVersion}, Kubernetes ${v.runtime.manifest.kubernetesVersion}) from ${v.runtime.dir}`);
  out.push(`host: cgroup ${v.facts.cgroupV1 ? 'v1 (kubelet gets failCgroupV1: false)' : 'v2'}, cgroup driver ${!v.facts.cgroupV1 && v.facts.systemdPid1 ? 'systemd' : 'cgroupfs'}${v.facts.isRoot ? '' : '; not root: a real start needs root'}`);
  if (v.joins) out.push(`joins: ${v.joins}`);
  out.push('', 'components (each stage starts when the one before is ready; a stage starts in parallel):');
  v.stages.forEach((stage, i) => out.push(`  ${i + 1}. ${stage.join(', ')}`));
  out.push('', 'processes:');
  for (const p of v.processes) {
    out.push(`  ${p.name}: ${[p.binary, ...p.args].map(shellQuote).join(' ')}`);
    out.push(`    log ${p.logFile}${p.runAs ? `; runs as uid ${p.runAs.uid}, gid ${p.runAs.gid}` : ''}${p.overridden.length ? `; your *-arg settings replace --${p.overridden.join(', --')}` : ''}`);
  }
  out.push('', 'files:');
  for (const f of v.files) out.push(`  ${f}`);
  if (v.certificates) {
    out.push('', `certificates (in ${v.certificatesDir ?? ''}; kept when present and valid):`);
    for (const c of v.certificates) out.push(`  ${c.file}.crt  ${c.kind === 'ca' ? 'CA' : `signed by ${c.signer}`}, CN=${c.commonName}, ${c.validityDays} days`);
  }
  if (v.addons) {
    out.push('', 'add-ons:');
    out.push(`  deploy: ${v.addons.deploy.join(', ') || '(none)'}`);
    if (v.addons.remove.length) out.push(`  remove (disabled): ${v.addons.remove.join(', ')}`);
  }
  if (v.warnings.length) {
    out.push('', 'warnings:');
    for (const w of v.warnings) out.push(`  ${w}`);
  }
  return `${out.join('\n')}\n`;
}
