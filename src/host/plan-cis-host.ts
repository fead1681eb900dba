// Pure: what the cis profile needs from the host before rfo writes anything,
// as RKE2's profile checks it (rke2 pkg/cli/cmds/profile_linux.go): the kernel
// parameters kubelet's protectKernelDefaults insists on, and on servers the
// `etcd` user and group that etcd runs as. RKE2 only checks and leaves the
// fixing to the operator; rfo names each fix and `rfo cis prepare` applies
// them (the sysctl drop-in and the account), so hardening needs no manual step.

export interface CisSysctl {
  /** sysctl name, e.g. vm.overcommit_memory. */
  readonly key: string;
  readonly value: string;
  readonly why: string;
}

/**
 * RKE2's four (share/rke2/rke2-cis-sysctl.conf), plus the two key-quota
 * parameters kubelet's protectKernelDefaults also compares (kubelet refuses
 * to start when any of the six differs; they are the kernel's defaults on
 * current kernels, so these lines normally change nothing).
 */
export const cisSysctls: readonly CisSysctl[] = [
  { key: 'vm.panic_on_oom', value: '0', why: 'the OOM killer, not a kernel panic, handles memory exhaustion' },
  { key: 'vm.overcommit_memory', value: '1', why: 'kubelet manages memory with overcommit on' },
  { key: 'kernel.panic', value: '10', why: 'reboot 10 s after a panic' },
  { key: 'kernel.panic_on_oops', value: '1', why: 'an oops panics (and reboots) instead of running on in an unknown state' },
  { key: 'kernel.keys.root_maxkeys', value: '1000000', why: 'kubelet protectKernelDefaults compares it too' },
  { key: 'kernel.keys.root_maxbytes', value: '25000000', why: 'kubelet protectKernelDefaults compares it too' },
];

/** /proc/sys path of a sysctl name. */
export const sysctlPath = (key: string): string => `/proc/sys/${key.replaceAll('.', '/')}`;

/** The drop-in `rfo cis prepare` writes (RKE2 ships the same as rke2-cis-sysctl.conf). */
export function renderCisSysctlConf(): string {
  const lines = ['# Written by `rfo cis prepare`: the kernel parameters of the cis profile', '# (kubelet protectKernelDefaults refuses to start when they differ).'];
  for (const s of cisSysctls) lines.push(`# ${s.why}`, `${s.key}=${s.value}`);
  return `${lines.join('\n')}\n`;
}

/** useradd as RKE2's hardening guide gives it: a system user without home or shell, with a group of its own. */
export const etcdUseradd = ['-r', '-c', 'etcd user', '-s', '/sbin/nologin', '-M', 'etcd', '-U'] as const;
export const etcdUseraddText = `useradd ${etcdUseradd.map((a) => (a.includes(' ') ? `"${a}"` : a)).join(' ')}`;

/** An account from /etc/passwd or /etc/group: name and numeric id (RKE2 too reads only these files, not NSS). */
export interface Account {
  readonly name: string;
  readonly id: number;
  /** passwd only: the primary group id. */
  readonly gid?: number;
}

/** Pure: the entries of /etc/passwd (name:x:uid:gid:...) or /etc/group (name:x:gid:members). */
export function parseAccounts(text: string, kind: 'passwd' | 'group'): Account[] {
  const out: Account[] = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const f = line.split(':');
    const id = Number(f[2]);
    if (!f[0] || !Number.isInteger(id)) continue;
    out.push(kind === 'passwd' ? { name: f[0], id, gid: Number(f[3]) } : { name: f[0], id });
  }
  return out;
}

export interface CisHostFacts {
  /** Current values by sysctl name; undefined when the kernel has no such parameter. */
  readonly sysctls: Readonly<Record<string, string | undefined>>;
  readonly users: readonly Account[];
  readonly groups: readonly Account[];
}

export interface CisHostIssue {
  readonly what: string;
  /** The command that fixes this one item. */
  readonly fix: string;
}

/** Pure: what keeps the host from running the cis profile, each with its fix (empty: ready). */
export function planCisHostCheck(role: 'server' | 'agent', f: CisHostFacts): CisHostIssue[] {
  const issues: CisHostIssue[] = [];
  for (const s of cisSysctls) {
    const actual = f.sysctls[s.key]?.trim();
    if (actual === s.value) continue;
    issues.push({ what: `${s.key}=${actual ?? '(missing)'}, expected ${s.value} (${s.why})`, fix: `sysctl -w ${s.key}=${s.value}` });
  }
  // etcd runs on servers only (RKE2 PR#1068 stopped asking agents for the account).
  if (role === 'server') {
    const user = f.users.find((u) => u.name === 'etcd');
    const group = f.groups.find((g) => g.name === 'etcd');
    if (!user && !group) issues.push({ what: 'no user and group etcd (etcd runs as etcd:etcd and owns its data directory)', fix: etcdUseraddText });
    else if (!user) issues.push({ what: 'group etcd exists but no user etcd', fix: 'useradd -r -c "etcd user" -s /sbin/nologin -M -g etcd etcd' });
    else if (!group) issues.push({ what: 'user etcd exists but no group etcd', fix: 'groupadd -r etcd && usermod -g etcd etcd' });
  }
  return issues;
}

/** The uid and gid etcd runs as: user etcd and group etcd (undefined while either is missing). */
export function etcdAccount(f: Pick<CisHostFacts, 'users' | 'groups'>): { uid: number; gid: number } | undefined {
  const user = f.users.find((u) => u.name === 'etcd');
  const group = f.groups.find((g) => g.name === 'etcd');
  return user && group ? { uid: user.id, gid: group.id } : undefined;
}

export type CisPrepareAction =
  | { readonly kind: 'write-sysctl-conf'; readonly path: string; readonly content: string }
  | { readonly kind: 'set-sysctl'; readonly key: string; readonly from: string | undefined; readonly to: string }
  | { readonly kind: 'run'; readonly cmd: string; readonly args: readonly string[] };

/** Pure: what `rfo cis prepare` does on this host; empty when it is prepared (a second run changes nothing). */
export function planCisPrepare(f: CisHostFacts & { readonly sysctlConf: string; readonly currentConf: string | undefined }): CisPrepareAction[] {
  const actions: CisPrepareAction[] = [];
  const conf = renderCisSysctlConf();
  if (f.currentConf !== conf) actions.push({ kind: 'write-sysctl-conf', path: f.sysctlConf, content: conf });
  for (const s of cisSysctls) {
    const actual = f.sysctls[s.key]?.trim();
    if (actual !== s.value) actions.push({ kind: 'set-sysctl', key: s.key, from: actual, to: s.value });
  }
  const user = f.users.some((u) => u.name === 'etcd');
  const group = f.groups.some((g) => g.name === 'etcd');
  if (!user && !group) actions.push({ kind: 'run', cmd: 'useradd', args: etcdUseradd });
  else if (!user) actions.push({ kind: 'run', cmd: 'useradd', args: ['-r', '-c', 'etcd user', '-s', '/sbin/nologin', '-M', '-g', 'etcd', 'etcd'] });
  else if (!group) actions.push({ kind: 'run', cmd: 'groupadd', args: ['-r', 'etcd'] }, { kind: 'run', cmd: 'usermod', args: ['-g', 'etcd', 'etcd'] });
  return actions;
}
