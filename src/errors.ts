// Typed errors for everything a user can cause. Each carries a stable code
// (for scripts and docs) and a hint that names the fix. cli/main.ts is the
// only place that turns them into exit codes and prints the hint.

export type RfoErrorCode =
  | 'RFO_USAGE'
  | 'RFO_CONFIG_INVALID'
  | 'RFO_VERSION_UNKNOWN'
  | 'RFO_VERSION_SKEW'
  | 'RFO_TOOL_MISSING'
  | 'RFO_BUILD_FAILED'
  | 'RFO_MODULE_NOT_FOUND'
  | 'RFO_DISK_FULL'
  | 'RFO_IMAGE_INVALID'
  | 'RFO_DEB_UNAVAILABLE'
  | 'RFO_SOURCE_UNAVAILABLE'
  | 'RFO_KERNEL_UNSUPPORTED'
  | 'RFO_NOT_REPRODUCIBLE'
  | 'RFO_RUNTIME_MISSING'
  // joining a cluster
  | 'RFO_SERVER_UNREACHABLE'
  | 'RFO_WRONG_PORT'
  | 'RFO_CA_MISMATCH'
  | 'RFO_SERVER_IDENTITY'
  | 'RFO_TOKEN_REJECTED'
  | 'RFO_JOIN_FORBIDDEN'
  | 'RFO_JOIN_FAILED'
  | 'RFO_CLUSTER_MISMATCH'
  | 'RFO_ETCD_FAILED'
  // the multi-node lab
  | 'RFO_LAB_EXISTS'
  | 'RFO_LAB_NOT_FOUND'
  | 'RFO_LAB_NODE_FAILED'
  // etcd snapshots
  | 'RFO_SNAPSHOT_FAILED'
  | 'RFO_SNAPSHOT_NOT_FOUND'
  | 'RFO_SNAPSHOT_INVALID'
  // releases and installs
  | 'RFO_SIGNATURE_INVALID'
  | 'RFO_UNSUPPORTED_ARCH'
  | 'RFO_VERIFY_FAILED'
  // rfo's own Kubernetes API calls
  | 'RFO_KUBE_API'
  // the component manager
  | 'RFO_COMPONENT_FAILED'
  // rfo certificate
  | 'RFO_RUNNING'
  | 'RFO_CERT_NOT_FOUND'
  | 'RFO_CA_INVALID'
  // supply chain: the pinned Go toolchain, vulnerability scans
  | 'RFO_TOOLCHAIN'
  | 'RFO_VULNERABLE'
  | 'RFO_SCAN_FAILED'
  // secrets encryption at rest
  | 'RFO_ENCRYPTION_CONFIG_INVALID'
  | 'RFO_ENCRYPTION_STAGE'
  | 'RFO_ENCRYPTION_FAILED'
  // NetworkManager and firewalld on the node (host/host-network.ts)
  | 'RFO_HOST_NETWORK'
  // the cis profile (host/plan-cis-host.ts) and rfo cis
  | 'RFO_HOST_NOT_PREPARED'
  | 'RFO_CIS_FAILED'
  | 'RFO_CONFORMANCE_IMAGE_MISSING';

export interface RfoErrorOptions {
  hint?: string;
  cause?: unknown;
  /** Extra facts for --debug output; never put secrets here. */
  details?: Record<string, unknown>;
}

export class RfoError extends Error {
  readonly code: RfoErrorCode;
  readonly hint: string | undefined;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: RfoErrorCode, message: string, options: RfoErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.hint = options.hint;
    this.details = options.details;
  }
}

export function isRfoError(err: unknown): err is RfoError {
  return err instanceof RfoError;
}
