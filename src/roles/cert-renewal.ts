// The certificate check every node runs in the background (a loop
// component), once at start and then daily (RFO_TEST_CERT_CHECK_INTERVAL_SECONDS
// shortens it for tests): renew the leaves with fewer than 90 days left, rewrite
// the kubeconfigs that embed them, reload or restart exactly the components that
// use them (plan-renewal.ts), then warn — log line and Node Event — about any
// certificate with fewer than 30 days left. Servers and agents differ only in
// the CertCheck they pass (server-cert-check.ts, agent-cert-check.ts).
//
// Nothing here may end rfo: a failed check or step is logged and the next check
// tries again; one failed restart does not stop the others.

import type { Reload } from '../pki/cert-consumers.ts';
import { planRenewalEffects } from '../pki/plan-renewal.ts';
import { planExpiryWarnings } from '../pki/plan-expiry-warnings.ts';
import type { CertExpiry, ExpiryWarning } from '../pki/plan-expiry-warnings.ts';
import type { Loop } from '../lifecycle/kinds.ts';

export interface CertCheck {
  /** Renew what needs it now; the files renewed (certConsumers' keys). */
  renew(now: Date): Promise<readonly string[]>;
  /** Every certificate this node manages, for the warnings. */
  expiries(): Promise<readonly CertExpiry[]>;
  rewriteKubeconfigs(names: readonly string[]): Promise<void>;
  reload(what: Reload): Promise<void>;
  restart(component: string): Promise<void>;
  /** The Node Event of a warning. */
  warn(w: ExpiryWarning): Promise<void>;
  /** Components this node runs. */
  readonly running: ReadonlySet<string>;
}

export const defaultCheckIntervalMs = 24 * 60 * 60 * 1000;

/** The check interval: a day, or RFO_TEST_CERT_CHECK_INTERVAL_SECONDS (tests; at least 1 s). */
export function checkIntervalMs(env: NodeJS.ProcessEnv): number {
  const s = Number(env.RFO_TEST_CERT_CHECK_INTERVAL_SECONDS);
  return Number.isFinite(s) && s >= 1 ? s * 1000 : defaultCheckIntervalMs;
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** One check: renewals and their effects, then warnings. Throws only if reading or renewing failed. */
export async function checkCertificates(check: CertCheck, nodeName: string, log: (m: string) => void, now = new Date()): Promise<void> {
  const renewed = await check.renew(now);
  if (renewed.length > 0) {
    const effects = planRenewalEffects(renewed, check.running);
    log(`certificates renewed: ${renewed.join(', ')}${effects.restart.length ? `; restarting ${effects.restart.join(', ')}` : ''}${effects.reload.length ? `; reloading ${effects.reload.join(', ')}` : ''}`);
    const step = async (what: string, fn: () => Promise<void>) => {
      try {
        await fn();
      } catch (err) {
        log(`certificate renewal: ${what} failed: ${message(err)}`);
      }
    };
    if (effects.kubeconfigs.length) await step(`rewriting ${effects.kubeconfigs.join(', ')}`, () => check.rewriteKubeconfigs(effects.kubeconfigs));
    for (const r of effects.reload) await step(`reloading ${r}`, () => check.reload(r));
    for (const c of effects.restart) await step(`restarting ${c}`, () => check.restart(c));
  }
  for (const w of planExpiryWarnings(await check.expiries(), nodeName, now)) {
    log(`WARNING: ${w.message}`);
    await check.warn(w).catch((err: unknown) => log(`certificate expiry event for ${w.name} not recorded: ${message(err)}`));
  }
}

export function startCertRenewal(check: CertCheck, o: { readonly nodeName: string; readonly intervalMs: number; readonly log: (m: string) => void }): Loop {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let running: Promise<void> = Promise.resolve();
  const tick = () => {
    running = checkCertificates(check, o.nodeName, o.log)
      .catch((err: unknown) => o.log(`certificate check failed (next in ${Math.round(o.intervalMs / 1000)} s): ${message(err)}`))
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, o.intervalMs);
      });
  };
  tick();
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      // A check under way finishes (a half-written renewal would be worse than the wait).
      await running;
    },
  };
}
