// Pure: the files of a result set beside e2e.log and junit_01.xml: the CNCF
// submission's PRODUCT.yaml and summary.json (passed / failed / skipped,
// duration, what the run used and what is a stand-in).

import type { JunitSummary } from './parse-junit.ts';

export interface ProductFacts {
  /** v1.36.3+rfor1 */
  readonly version: string;
  readonly websiteUrl?: string;
}

/** The fields cncf/k8s-conformance's instructions ask for. */
export function renderProductYaml(p: ProductFacts): string {
  return [
    'vendor: rfo',
    'name: rfo (Rancher for openEuler)',
    `version: ${p.version}`,
    `website_url: ${p.websiteUrl ?? 'https://github.com/rfo-dev/rfo'}`,
    `documentation_url: ${p.websiteUrl ?? 'https://github.com/rfo-dev/rfo'}#readme`,
    'product_logo_url: ""',
    'type: distribution',
    'description: An RKE2-like Kubernetes distribution whose runtime is built from source through the Go module proxy.',
    '',
  ].join('\n');
}

export interface SummaryInput {
  readonly version: string;
  readonly minor: string;
  readonly profile: 'default' | 'cis';
  readonly selection: string;
  readonly startedAt: string;
  readonly durationSeconds: number;
  readonly junit: JunitSummary;
  readonly ginkgoExit: number;
  readonly images: readonly { readonly ref: string; readonly standIn: string }[];
  readonly imagesNotBuilt: readonly { readonly ref: string; readonly reason: string }[];
}

export function renderSummary(s: SummaryInput): string {
  const failed = s.junit.specs.filter((x) => x.status === 'failed');
  return `${JSON.stringify(
    {
      version: s.version,
      minor: s.minor,
      profile: s.profile,
      selection: s.selection,
      startedAt: s.startedAt,
      durationSeconds: Math.round(s.durationSeconds),
      passed: s.junit.passed,
      failed: s.junit.failed,
      skipped: s.junit.skipped,
      ran: s.junit.passed + s.junit.failed,
      suiteFailures: s.junit.suiteFailures,
      ginkgoExit: s.ginkgoExit,
      failures: failed.map((f) => ({ name: f.name, seconds: f.seconds, message: f.message ?? '' })),
      note: 'internal conformance signal: the e2e test images are rebuilt stand-ins (images), not the official registry.k8s.io images; not a CNCF submission',
      images: s.images,
      imagesNotBuilt: s.imagesNotBuilt,
    },
    null,
    2,
  )}\n`;
}

/** Whether the run counts as failed: any failed spec or suite node, or ginkgo failing without a junit failure. */
export function runFailed(junit: JunitSummary, ginkgoExit: number): boolean {
  return junit.failed > 0 || junit.suiteFailures.length > 0 || (ginkgoExit !== 0 && junit.passed === 0);
}
