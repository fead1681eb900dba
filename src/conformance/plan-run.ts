// Pure: the options of `npm run conformance` and the ginkgo command line they
// make. Upstream's conformance image runs `ginkgo --focus --skip e2e.test --
// --provider --kubeconfig --report-dir` (test/conformance/image/run_e2e.sh);
// rfo does the same from the host against a lab's kubeconfig, with
// --provider=skeleton as hydrophone does. With --procs > 1 ginkgo runs the
// specs decorated Serial (every "[Serial]" conformance spec) after the others,
// one at a time on process 1, as upstream's parallel mode does.

import { RfoError } from '../errors.ts';
import { ciSubset } from './subset-ci.ts';

export interface ConformanceOptions {
  readonly focus?: string;
  readonly skip?: string;
  readonly subset?: 'ci';
  readonly profile?: 'cis';
  readonly procs: number;
  /** Where e2e.log, junit_01.xml, PRODUCT.yaml and summary.json go (default conformance/results/<version>/<results-name.ts>). */
  readonly resultsDir?: string;
  /** Keep the lab after the run (to look at a failure). */
  readonly keepLab: boolean;
  /** Build the suite and the images, then stop (no lab). */
  readonly buildOnly: boolean;
}

const usage = 'npm run conformance [-- --minor 1.36] [--focus REGEX] [--skip REGEX] [--subset ci] [--profile cis] [--procs N] [--results-dir DIR] [--keep-lab] [--build-only]';

export function parseConformanceArgs(argv: readonly string[]): ConformanceOptions {
  const o: { focus?: string; skip?: string; subset?: 'ci'; profile?: 'cis'; procs: number; resultsDir?: string; keepLab: boolean; buildOnly: boolean } = { procs: 4, keepLab: false, buildOnly: false };
  for (let i = 0; i < argv.length; i++) {
    const raw = argv[i] ?? '';
    const eq = raw.indexOf('=');
    const flag = raw.startsWith('--') && eq > 0 ? raw.slice(0, eq) : raw;
    const value = () => {
      const v = raw.startsWith('--') && eq > 0 ? raw.slice(eq + 1) : argv[++i];
      if (v === undefined || v === '') throw new RfoError('RFO_USAGE', `${flag} needs a value`, { hint: usage });
      return v;
    };
    switch (flag) {
      case '--focus':
        o.focus = value();
        break;
      case '--skip':
        o.skip = value();
        break;
      case '--subset': {
        const v = value();
        if (v !== 'ci') throw new RfoError('RFO_USAGE', `--subset ${v}: the only subset is ci`, { hint: usage });
        o.subset = 'ci';
        break;
      }
      case '--profile': {
        const v = value();
        if (v !== 'cis') throw new RfoError('RFO_USAGE', `--profile ${v}: the only profile besides the default is cis`, { hint: usage });
        o.profile = 'cis';
        break;
      }
      case '--procs': {
        const n = Number(value());
        if (!Number.isInteger(n) || n < 1 || n > 32) throw new RfoError('RFO_USAGE', '--procs takes 1..32', { hint: usage });
        o.procs = n;
        break;
      }
      case '--results-dir':
        o.resultsDir = value();
        break;
      case '--keep-lab':
        o.keepLab = true;
        break;
      case '--build-only':
        o.buildOnly = true;
        break;
      default:
        throw new RfoError('RFO_USAGE', `unknown option ${raw}`, { hint: usage });
    }
  }
  if (o.subset && o.focus) throw new RfoError('RFO_USAGE', '--subset and --focus both choose the specs; give one', { hint: usage });
  return o;
}

/** A regular expression matching exactly these spec names (ginkgo matches --focus against the full spec text). */
export function focusForNames(names: readonly string[]): string {
  return names.map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
}

export const conformanceFocus = '\\[Conformance\\]';

export interface GinkgoRunInput {
  readonly ginkgo: string;
  readonly e2eTest: string;
  readonly kubeconfig: string;
  readonly reportDir: string;
  readonly options: ConformanceOptions;
  /** Taints of the servers' nodes the suite should wait through rather than treat as blocking (RKE2-style control-plane taints). */
  readonly nonBlockingTaints: readonly string[];
  /** The runtime's kubectl, for the [sig-cli] specs (upstream's image ships one). */
  readonly kubectl?: string;
}

export function planGinkgoCommand(input: GinkgoRunInput): { cmd: string; args: string[] } {
  const { options } = input;
  // [Conformance] always: --subset and --focus narrow within it, as sonobuoy's E2E_FOCUS does.
  const focus = options.subset === 'ci' ? focusForNames(ciSubset) : (options.focus ?? conformanceFocus);
  const args = ['--timeout=24h', '--no-color', '-v', `--procs=${options.procs}`, `--focus=${focus}`];
  if (options.skip) args.push(`--skip=${options.skip}`);
  args.push(input.e2eTest, '--', '--provider=skeleton', `--kubeconfig=${input.kubeconfig}`, `--report-dir=${input.reportDir}`, '--disable-log-dump');
  if (input.kubectl) args.push(`--kubectl-path=${input.kubectl}`);
  if (input.nonBlockingTaints.length > 0) args.push(`--non-blocking-taints=${input.nonBlockingTaints.join(',')}`);
  return { cmd: input.ginkgo, args };
}

/**
 * Taint keys from `kubectl get nodes -o jsonpath={..taints[*].key}` output,
 * once each, without the node lifecycle's own (node.kubernetes.io/not-ready,
 * unreachable...): those are conditions the suite must wait out, not a
 * distribution's deliberate control-plane taint.
 */
export function parseTaintKeys(jsonpathOutput: string): string[] {
  return [...new Set(jsonpathOutput.split(/\s+/).filter((k) => k !== '' && !k.startsWith('node.kubernetes.io/')))].sort();
}
