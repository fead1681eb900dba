// Pure: the questions the CIS checks ask of the control plane's own files —
// which level an audit policy gives a resource, which Pod Security level a
// namespace enforces, which provider encrypts Secrets.

type Obj = Readonly<Record<string, unknown>>;
const str = (v: unknown, dflt: string): string => (typeof v === 'string' ? v : dflt);
const obj = (v: unknown): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});
const arr = (v: unknown): readonly unknown[] => (Array.isArray(v) ? v : []);
const strs = (v: unknown): string[] => arr(v).filter((x): x is string => typeof x === 'string');

export type AuditLevel = 'None' | 'Metadata' | 'Request' | 'RequestResponse';

/**
 * The level an audit policy gives any request on group/resource (a
 * subresource as "pods/exec"): its first rule that applies to every such
 * request. Rules narrowed to some users, groups, verbs or namespaces are
 * skipped: they do not decide for all requests. No matching rule: None.
 */
export function auditLevelFor(policy: unknown, group: string, resource: string): AuditLevel {
  for (const r of arr(obj(policy).rules)) {
    const rule = obj(r);
    if (['users', 'userGroups', 'verbs', 'namespaces', 'nonResourceURLs'].some((k) => arr(rule[k]).length > 0)) continue;
    const resources = arr(rule.resources);
    const matches =
      resources.length === 0 ||
      resources.some((g) => {
        const gr = obj(g);
        if (str(gr.group, '') !== group) return false;
        const names = strs(gr.resources);
        const base = resource.split('/')[0] ?? resource;
        return names.length === 0 || names.includes(resource) || names.includes('*') || names.includes(`${base}/*`) || (!resource.includes('/') && names.includes(base));
      });
    if (matches) return (typeof rule.level === 'string' ? rule.level : 'None') as AuditLevel;
  }
  return 'None';
}

export type PodSecurityLevel = 'privileged' | 'baseline' | 'restricted';
const psaRank: Readonly<Record<PodSecurityLevel, number>> = { privileged: 0, baseline: 1, restricted: 2 };

export interface PodSecurityDefaults {
  readonly enforce: PodSecurityLevel;
  readonly exemptNamespaces: readonly string[];
}

/** Pod Security admission's defaults from an AdmissionConfiguration (absent: Kubernetes' own, privileged, nothing exempt). */
export function podSecurityDefaults(admissionConfig: unknown): PodSecurityDefaults {
  const plugin = arr(obj(admissionConfig).plugins)
    .map(obj)
    .find((p) => p.name === 'PodSecurity');
  const conf = obj(plugin?.configuration);
  const enforce = str(obj(conf.defaults).enforce, 'privileged');
  return {
    enforce: enforce in psaRank ? (enforce as PodSecurityLevel) : 'privileged',
    exemptNamespaces: strs(obj(conf.exemptions).namespaces),
  };
}

/** What Pod Security enforces in a namespace: its label, else the default; exempt namespaces are reported as such. */
export function enforcedLevel(d: PodSecurityDefaults, ns: { readonly name: string; readonly labels: Readonly<Record<string, string>> }): PodSecurityLevel | 'exempt' {
  if (d.exemptNamespaces.includes(ns.name)) return 'exempt';
  const label = ns.labels['pod-security.kubernetes.io/enforce'];
  return label && label in psaRank ? (label as PodSecurityLevel) : d.enforce;
}

export const atLeast = (level: PodSecurityLevel, floor: PodSecurityLevel): boolean => psaRank[level] >= psaRank[floor];

/** The provider that writes Secrets (the first listed for them), e.g. aescbc; identity when none encrypts. */
export function secretsProvider(encryptionConfig: unknown): string {
  for (const r of arr(obj(encryptionConfig).resources)) {
    const entry = obj(r);
    if (!strs(entry.resources).some((x) => x === 'secrets' || x === '*.*' || x === '*.')) continue;
    const first = obj(arr(entry.providers)[0]);
    return Object.keys(first)[0] ?? 'identity';
  }
  return 'identity';
}
