// `rfo verify --vulns`: prints the vulnerability report of the installed
// runtime. A release installs it beside the runtime's manifest
// (lib/rfo/runtime/vulnerability-report-<arch>.{json,txt}, each signed by the
// release key); both signatures are checked first, and the report must be
// the one made for this runtime (same runtime key as the signed manifest).

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RfoError } from '../errors.ts';
import { verifyBlob } from '../pki/signing.ts';
import { reportFileNames } from '../scan/render-vuln-report.ts';
import { locateRuntime } from '../runtime/locate-runtime.ts';

export interface VulnsView {
  readonly text: string;
  /** Reachable, fixable, unjustified findings the report lists (0 for every release: the scan gates it). */
  readonly violations: number;
}

async function readSigned(path: string, publicKey: string): Promise<Buffer> {
  const data = await readFile(path).catch(() => {
    throw new RfoError('RFO_VERIFY_FAILED', `no vulnerability report at ${path}`, {
      hint: 'a release install carries it (install-rfo.sh or the RPM); for a runtime you built, run `npm run scan` (reports in dist/scan/<arch>/)',
    });
  });
  const sig = await readFile(`${path}.sig`, 'utf8').catch(() => {
    throw new RfoError('RFO_VERIFY_FAILED', `${path} is not signed (no ${path}.sig)`, { hint: 'reinstall rfo with install-rfo.sh' });
  });
  if (!verifyBlob(publicKey, data, sig)) {
    throw new RfoError('RFO_SIGNATURE_INVALID', `the signature of ${path} does not match the release key: the report was changed or signed by someone else`, { hint: 'reinstall rfo with install-rfo.sh' });
  }
  return data;
}

export async function verifyVulns(opts: { runtimeDir?: string; key: string }): Promise<VulnsView> {
  const runtime = await locateRuntime(opts.runtimeDir);
  const publicKey = await readFile(opts.key, 'utf8').catch(() => {
    throw new RfoError('RFO_VERIFY_FAILED', `no release public key at ${opts.key}`, { hint: 'pass --key <rfo-release.pub> (it is published next to install-rfo.sh)' });
  });
  const names = reportFileNames(runtime.manifest.arch);
  const report = JSON.parse((await readSigned(join(runtime.dir, names.report), publicKey)).toString('utf8')) as {
    runtimeKey?: string;
    database?: { version?: string; modified?: string };
    violations?: string[];
  };
  const table = (await readSigned(join(runtime.dir, names.table), publicKey)).toString('utf8');
  if (report.runtimeKey !== runtime.manifest.key) {
    throw new RfoError('RFO_VERIFY_FAILED', `the vulnerability report is for runtime ${String(report.runtimeKey)}, the installed runtime is ${runtime.manifest.key}`, { hint: 'reinstall rfo with install-rfo.sh' });
  }
  const trailer = `report signature OK (${opts.key}); database ${report.database?.version ?? '?'} (updated ${report.database?.modified ?? '?'}); full report: ${join(runtime.dir, names.report)}\n`;
  return { text: `${table}${trailer}`, violations: report.violations?.length ?? 0 };
}
