// The vocabulary of `rfo cis check`: a check is data (its benchmark id and
// title, what it reads, the value it expects, the remediation, scored or
// manual), and the facts are what the collector read from this node's
// processes, files and API objects. evaluate-cis.ts joins the two.

/** The processes rfo runs that the benchmark looks at. */
export type Component = 'etcd' | 'kube-apiserver' | 'kube-controller-manager' | 'kube-scheduler' | 'kubelet' | 'kube-proxy';

/** kube-bench's node types: which part of the benchmark a check belongs to, and where it runs. */
export type Target = 'master' | 'etcd' | 'controlplane' | 'node' | 'policies';

export type ValueTest =
  | { readonly op: 'eq'; readonly value: string }
  | { readonly op: 'ne'; readonly value: string }
  /** A comma-separated list contains the item. */
  | { readonly op: 'has'; readonly value: string }
  | { readonly op: 'lacks'; readonly value: string }
  | { readonly op: 'set' }
  | { readonly op: 'unset' }
  | { readonly op: 'gte'; readonly value: number }
  /** Set, and every comma-separated item is one of these. */
  | { readonly op: 'within'; readonly values: readonly string[] };

export interface FlagTest {
  readonly flag: string;
  readonly test: ValueTest;
  /** Not given on the command line counts as a pass (the component's default is compliant). */
  readonly unsetPasses?: boolean;
}

/** Files the collector resolves for this node (from the processes' flags and rfo's layout). */
export type FileSet =
  | 'cni-files'
  | 'etcd-data-dir'
  | 'admin-kubeconfig'
  | 'scheduler-kubeconfig'
  | 'controller-kubeconfig'
  | 'pki-dir'
  | 'pki-certs'
  | 'pki-keys'
  | 'kubeproxy-kubeconfig'
  | 'kubelet-kubeconfig'
  | 'kubelet-client-ca'
  | 'kubelet-config';

/** A kubelet setting by its flag name; the collector merges the flags over the config files (--config-dir). */
export interface KubeletSetting {
  readonly flag: string;
  /** Dotted path in KubeletConfiguration. */
  readonly field: string;
  /** kubelet's default when neither sets it (KubeletConfiguration v1beta1 defaults: rfo always runs kubelet with a config). */
  readonly default?: string;
}

export type Outcome = { readonly pass: boolean; readonly actual: string };

export type Audit =
  | { readonly kind: 'flags'; readonly component: Component; readonly tests: readonly FlagTest[]; readonly any?: boolean }
  | { readonly kind: 'file'; readonly files: FileSet; readonly maxMode?: number; readonly owner?: string; readonly optional?: boolean }
  | { readonly kind: 'kubelet'; readonly setting: KubeletSetting; readonly test: ValueTest; readonly unsetPasses?: boolean }
  /** Read from configuration files or API objects; `evaluate` is pure over the facts. */
  | { readonly kind: 'fact'; readonly reads: string; readonly expected: string; readonly evaluate: (f: CisFacts) => Outcome }
  /** Left to the operator: reported as WARN with the remediation. */
  | { readonly kind: 'manual'; readonly reads?: string }
  /** Does not apply to rfo: reported as INFO with the reason. */
  | { readonly kind: 'na'; readonly why: string };

export interface CisCheck {
  readonly id: string;
  readonly title: string;
  readonly target: Target;
  /** The benchmark's "Automated" (scored: a failure is FAIL); "Manual" failures are WARN. */
  readonly scored: boolean;
  readonly audit: Audit;
  readonly remediation: string;
}

export type CisStatus = 'PASS' | 'FAIL' | 'WARN' | 'INFO';

export interface CisResult {
  readonly check: CisCheck;
  readonly status: CisStatus;
  /** What was read, e.g. "--anonymous-auth=false" or "0600 root:root /var/lib/.../admin.kubeconfig". */
  readonly actual: string;
  /** What the audit reads, human-readable (kube-bench's "audit"). */
  readonly reads: string;
  readonly expected: string;
}

export interface ProcessFact {
  readonly pid: number;
  /** The user it runs as (name, or uid when unknown). */
  readonly user: string;
  /** --flag values in order of appearance (a flag given twice has two). */
  readonly flags: Readonly<Record<string, readonly string[]>>;
}

export interface FileFact {
  readonly path: string;
  /** Permission bits. */
  readonly mode: number;
  readonly owner: string;
  readonly isDir: boolean;
}

export interface ApiFacts {
  readonly namespaces: readonly { readonly name: string; readonly labels: Readonly<Record<string, string>> }[];
  /** Namespaces that hold at least one NetworkPolicy. */
  readonly networkPolicyNamespaces: readonly string[];
  readonly defaultServiceAccounts: readonly { readonly namespace: string; readonly automount: boolean | undefined }[];
  readonly daemonSets: readonly { readonly namespace: string; readonly name: string }[];
  /** Pods and Services in `default` other than the kubernetes Service. */
  readonly defaultNamespaceObjects: readonly string[];
}

export interface CisFacts {
  readonly role: 'server' | 'agent';
  readonly processes: Readonly<Partial<Record<Component, ProcessFact>>>;
  /** Resolved file sets; a set that could not be resolved (its process is not running) is absent. */
  readonly files: Readonly<Partial<Record<FileSet, readonly FileFact[]>>>;
  /** kubelet's configuration files merged in name order (its --config-dir). */
  readonly kubeletConfig: Readonly<Record<string, unknown>>;
  /** Parsed files the control plane reads: encryption, audit policy, admission configuration. */
  readonly docs: {
    readonly encryptionConfig?: unknown;
    readonly auditPolicy?: unknown;
    readonly admissionConfig?: unknown;
    /** PEM of etcd's trusted CA and of the apiserver's client CA (2.7: different CAs). */
    readonly etcdCa?: string;
    readonly clientCa?: string;
  };
  readonly api?: ApiFacts;
  /** Why the API objects could not be read (5.x checks are then WARN). */
  readonly apiError?: string;
}
