// Pure: certificates close to their end, for the warning Event and log line
// (RKE2's CertificateExpirationWarning). Leaves are renewed at 90 days, so a
// warning means renewal is not happening (a CA, which is never renewed
// automatically, or a failing renewal).

const dayMs = 24 * 60 * 60 * 1000;
export const warnBeforeDays = 30;

export interface CertExpiry {
  /** The metric's and the message's name for it (its file name). */
  readonly name: string;
  readonly notAfter: Date;
}

export interface ExpiryWarning {
  readonly name: string;
  readonly message: string;
}

export function planExpiryWarnings(certs: readonly CertExpiry[], nodeName: string, now: Date, beforeDays = warnBeforeDays): ExpiryWarning[] {
  return certs
    .filter((c) => c.notAfter.getTime() - now.getTime() < beforeDays * dayMs)
    .map((c) => {
      const left = c.notAfter.getTime() - now.getTime();
      const when = left <= 0 ? `expired on ${c.notAfter.toISOString()}` : `expires in ${Math.floor(left / dayMs)} days (${c.notAfter.toISOString()})`;
      return { name: c.name, message: `certificate ${c.name} of node ${nodeName} ${when}` };
    });
}
