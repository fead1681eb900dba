// The declarative flag table: one row per option. It drives the CLI flags,
// the config.yaml keys (identical to the long flag names, as in RKE2), the
// RFO_* environment variables, validation, defaults and `--help`. Adding an
// option means adding a row here and nothing else in the parsing code.

export type Command = 'server' | 'agent' | 'etcd-snapshot' | 'secrets-encrypt' | 'certificate' | 'cis';

export type FlagType = 'string' | 'bool' | 'int' | 'list';

export type FlagCheck = 'cidr' | 'ip' | 'dns-subdomain' | 'port' | 'port-range' | 'file-mode' | 'key-value' | 'label' | 'taint' | 'url' | 'absolute-path' | 'cni' | 'network-policy' | 'ingress-controller' | 'encryption-provider' | 'profile';

export interface FlagSpec {
  /** Long name, kebab-case; also the config.yaml key. */
  readonly name: string;
  readonly short?: string;
  /** Other long names (also config keys): RKE2's etcd-snapshot takes --s3-bucket for etcd-s3-bucket, and so on. */
  readonly aliases?: readonly string[];
  readonly type: FlagType;
  readonly commands: readonly Command[];
  readonly usage: string;
  /** Environment variable; RKE2's name with RKE2 → RFO where RKE2 has one. */
  readonly env?: string;
  readonly default?: string | boolean | number | readonly string[];
  /** Lists: also split each value on commas (RKE2 does this for --disable, --cni, ...). */
  readonly splitComma?: boolean;
  readonly check?: FlagCheck;
  /** Never printed or logged (tokens). */
  readonly secret?: boolean;
  readonly section: 'common' | 'listener' | 'cluster' | 'networking' | 'node' | 'components' | 'kubeconfig' | 'db';
}

const both: readonly Command[] = ['server', 'agent'];
const server: readonly Command[] = ['server'];
/** `rfo etcd-snapshot` reads the server's config file, so these apply to both. */
const serverSnap: readonly Command[] = ['server', 'etcd-snapshot'];
const snap: readonly Command[] = ['etcd-snapshot'];
/** `rfo secrets-encrypt` talks to a server's supervisor API with the server token. */
const enc: readonly Command[] = ['secrets-encrypt'];
/** `rfo certificate` reads the node's config (data dir, run dir) and rotate-ca talks to a server with the server token. */
const cert: readonly Command[] = ['certificate'];
/** `rfo cis prepare|check` reads the node's config (paths, run dir) to find what it checks. */
const cis: readonly Command[] = ['cis'];

/** Paths and ports are flags too, so tests (and unusual hosts) can run isolated. */
export const flagTable: readonly FlagSpec[] = [
  { name: 'config', short: 'c', type: 'string', commands: [...both, 'etcd-snapshot', 'secrets-encrypt', ...cert, ...cis], section: 'common', env: 'RFO_CONFIG_FILE', default: '/etc/rancher/rfo/config.yaml', check: 'absolute-path', usage: 'Load configuration from FILE (and FILE.d/*.yaml)' },
  { name: 'debug', type: 'bool', commands: [...both, 'etcd-snapshot', 'secrets-encrypt', ...cert, ...cis], section: 'common', env: 'RFO_DEBUG', default: false, usage: 'Turn on debug logs' },
  { name: 'dry-run', type: 'bool', commands: both, section: 'common', env: 'RFO_DRY_RUN', default: false, usage: 'Print what would run and be written (components, processes, files, certificates, add-ons) and exit; changes nothing' },
  { name: 'data-dir', short: 'd', type: 'string', commands: [...both, 'etcd-snapshot', 'secrets-encrypt', ...cert, ...cis], section: 'common', env: 'RFO_DATA_DIR', default: '/var/lib/rancher/rfo', check: 'absolute-path', usage: 'Folder to hold state' },
  { name: 'run-dir', type: 'string', commands: [...both, ...cert, ...cis], section: 'common', env: 'RFO_RUN_DIR', default: '/run/rfo', check: 'absolute-path', usage: 'Folder for sockets and pid files' },
  // RKE2's `profile` (RKE2_CIS_PROFILE): the CIS hardened profile, README "CIS hardened profile".
  { name: 'profile', type: 'string', commands: both, section: 'common', env: 'RFO_CIS_PROFILE', check: 'profile', usage: 'Validate the host and run hardened to the selected benchmark (valid items: cis): refuses an unprepared host (rfo cis prepare), then etcd as user etcd, Pod Security restricted, audit log, TLS ciphers, 0600 files, default NetworkPolicies' },
  { name: 'runtime-dir', type: 'string', commands: both, section: 'common', env: 'RFO_RUNTIME_DIR', check: 'absolute-path', usage: 'Runtime to stage (default: the one shipped with rfo, else the newest built by npm run build:runtime)' },
  { name: 'kubelet-dir', type: 'string', commands: [...both, 'certificate', ...cis], section: 'common', env: 'RFO_KUBELET_DIR', default: '/var/lib/kubelet', check: 'absolute-path', usage: 'Kubelet root directory' },
  { name: 'cni-conf-dir', type: 'string', commands: [...both, ...cis], section: 'common', env: 'RFO_CNI_CONF_DIR', default: '/etc/cni/net.d', check: 'absolute-path', usage: 'Folder for the CNI network configuration' },
  { name: 'cni-state-dir', type: 'string', commands: [...both, ...cis], section: 'common', env: 'RFO_CNI_STATE_DIR', default: '/var/lib/cni', check: 'absolute-path', usage: 'Folder for the CNI plugins\' state: the pod IP reservations (networks/rfo-pod-network), released by rfo killall' },
  { name: 'token', short: 't', type: 'string', commands: [...both, 'secrets-encrypt', ...cert], section: 'cluster', env: 'RFO_TOKEN', secret: true, usage: 'Shared secret used to join a server or agent to a cluster' },
  { name: 'token-file', type: 'string', commands: [...both, 'secrets-encrypt'], section: 'cluster', env: 'RFO_TOKEN_FILE', check: 'absolute-path', usage: 'File containing the token' },
  { name: 'agent-token', type: 'string', commands: server, section: 'cluster', env: 'RFO_AGENT_TOKEN', secret: true, usage: 'Shared secret used to join agents to the cluster, but not servers' },
  { name: 'agent-token-file', type: 'string', commands: server, section: 'cluster', env: 'RFO_AGENT_TOKEN_FILE', check: 'absolute-path', usage: 'File containing the agent secret' },
  { name: 'server', short: 's', type: 'string', commands: [...both, 'secrets-encrypt'], section: 'cluster', env: 'RFO_URL', check: 'url', usage: 'Server to connect to (https://<server>:9345), used to join a cluster' },
  { name: 'bind-address', type: 'string', commands: both, section: 'listener', env: 'RFO_BIND_ADDRESS', default: '0.0.0.0', check: 'ip', usage: 'rfo bind address' },
  { name: 'advertise-address', type: 'string', commands: server, section: 'listener', env: 'RFO_ADVERTISE_ADDRESS', check: 'ip', usage: 'IPv4 address that apiserver uses to advertise to members of the cluster (default: node-external-ip/node-ip)' },
  { name: 'tls-san', type: 'list', splitComma: true, commands: server, section: 'listener', env: 'RFO_TLS_SAN', usage: 'Add additional hostnames or IPv4/IPv6 addresses as Subject Alternative Names on the server TLS cert' },
  { name: 'supervisor-port', type: 'int', commands: [...both, 'secrets-encrypt', ...cert], section: 'listener', env: 'RFO_SUPERVISOR_PORT', default: 9345, check: 'port', usage: 'Port of the join API (supervisor)' },
  { name: 'lb-server-port', type: 'int', commands: ['agent'], section: 'listener', env: 'RFO_LB_SERVER_PORT', default: 6444, check: 'port', usage: 'Local port of the client load balancer in front of the apiservers (kubelet, kube-proxy and flannel connect to it)' },
  { name: 'https-listen-port', type: 'int', commands: server, section: 'listener', env: 'RFO_HTTPS_LISTEN_PORT', default: 6443, check: 'port', usage: 'Port of the Kubernetes API server' },
  { name: 'write-kubeconfig', short: 'o', type: 'string', commands: server, section: 'kubeconfig', env: 'RFO_KUBECONFIG_OUTPUT', default: '/etc/rancher/rfo/rfo.yaml', check: 'absolute-path', usage: 'Write kubeconfig for admin client to this file' },
  { name: 'write-kubeconfig-mode', type: 'string', commands: server, section: 'kubeconfig', env: 'RFO_KUBECONFIG_MODE', default: '0600', check: 'file-mode', usage: 'Write kubeconfig with this mode' },
  { name: 'cluster-cidr', type: 'string', commands: server, section: 'networking', env: 'RFO_CLUSTER_CIDR', default: '10.42.0.0/16', check: 'cidr', usage: 'IPv4 network CIDR to use for pod IPs' },
  { name: 'service-cidr', type: 'string', commands: server, section: 'networking', env: 'RFO_SERVICE_CIDR', default: '10.43.0.0/16', check: 'cidr', usage: 'IPv4 network CIDR to use for service IPs' },
  { name: 'service-node-port-range', type: 'string', commands: server, section: 'networking', env: 'RFO_SERVICE_NODE_PORT_RANGE', default: '30000-32767', check: 'port-range', usage: 'Port range to reserve for services with NodePort visibility' },
  { name: 'cluster-dns', type: 'string', commands: server, section: 'networking', env: 'RFO_CLUSTER_DNS', default: '10.43.0.10', check: 'ip', usage: 'IPv4 Cluster IP for coredns service. Should be in your service-cidr range' },
  { name: 'cluster-domain', type: 'string', commands: server, section: 'networking', env: 'RFO_CLUSTER_DOMAIN', default: 'cluster.local', check: 'dns-subdomain', usage: 'Cluster Domain' },
  { name: 'cni', type: 'list', splitComma: true, commands: server, section: 'networking', env: 'RFO_CNI', default: ['flannel'], check: 'cni', usage: 'CNI plugin to deploy, one of none, flannel' },
  { name: 'network-policy', type: 'string', commands: server, section: 'networking', env: 'RFO_NETWORK_POLICY', default: 'kube-router', check: 'network-policy', usage: 'NetworkPolicy engine beside flannel, deployed as the rfo-network-policy chart: kube-router or none' },
  // NetworkManager and firewalld (src/host/host-network.ts): rfo sets them up where they run; these opt out or move things.
  { name: 'disable-networkmanager-config', type: 'bool', commands: both, section: 'networking', env: 'RFO_DISABLE_NETWORKMANAGER_CONFIG', default: false, usage: 'Do not write the NetworkManager drop-in that keeps NetworkManager off cni0, flannel*, veth* and the network-policy interfaces (written only where NetworkManager runs)' },
  { name: 'networkmanager-conf', type: 'string', commands: both, section: 'networking', env: 'RFO_NETWORKMANAGER_CONF', default: '/etc/NetworkManager/conf.d/rfo.conf', check: 'absolute-path', usage: 'The NetworkManager drop-in rfo writes (and rfo-uninstall.sh removes)' },
  { name: 'disable-firewalld-config', type: 'bool', commands: both, section: 'networking', env: 'RFO_DISABLE_FIREWALLD_CONFIG', default: false, usage: 'Do not add firewalld zone rfo (pod and service CIDRs) and service rfo (this node\'s ports) where firewalld runs' },
  { name: 'firewalld-zone', type: 'string', commands: both, section: 'networking', env: 'RFO_FIREWALLD_ZONE', usage: 'firewalld zone that gets service rfo (default: the zone of the node IP\'s interface, else the default zone)' },
  { name: 'ingress-controller', type: 'list', splitComma: true, commands: server, section: 'networking', env: 'RFO_INGRESS_CONTROLLER', default: ['traefik'], check: 'ingress-controller', usage: 'Ingress controller to deploy: traefik (rfo-traefik, the default IngressClass, ports 80/443 of every node) or none; ingress-nginx is retired upstream and not shipped' },
  { name: 'disable', type: 'list', splitComma: true, commands: server, section: 'components', env: 'RFO_DISABLE', default: [], usage: 'Do not deploy packaged components and delete any deployed components (valid items: rfo-coredns, rfo-network-policy, rfo-metrics-server, rfo-local-path, rfo-traefik, rfo-gateway-api-crds)' },
  { name: 'node-name', type: 'string', commands: [...both, 'etcd-snapshot'], section: 'node', env: 'RFO_NODE_NAME', check: 'dns-subdomain', usage: 'Node name (default: hostname)' },
  { name: 'node-ip', short: 'i', type: 'list', splitComma: true, commands: both, section: 'node', env: 'RFO_NODE_IP', check: 'ip', usage: 'IPv4/IPv6 addresses to advertise for node' },
  { name: 'node-external-ip', type: 'list', splitComma: true, commands: both, section: 'node', env: 'RFO_NODE_EXTERNAL_IP', check: 'ip', usage: 'IPv4/IPv6 external IP addresses to advertise for node' },
  { name: 'resolv-conf', type: 'string', commands: both, section: 'node', env: 'RFO_RESOLV_CONF', check: 'absolute-path', usage: 'Kubelet resolv.conf file (default: systemd-resolved\'s upstream file if present, else /etc/resolv.conf)' },
  // RKE2's registries.yaml (README "Private registries"): mirrors and credentials for containerd.
  { name: 'private-registry', type: 'string', commands: both, section: 'node', env: 'RFO_PRIVATE_REGISTRY', default: '/etc/rancher/rfo/registries.yaml', check: 'absolute-path', usage: 'Private registry configuration file (mirrors, TLS, credentials); none there means no mirrors' },
  { name: 'disable-default-registry-endpoint', type: 'bool', commands: both, section: 'node', env: 'RFO_DISABLE_DEFAULT_REGISTRY_ENDPOINT', default: false, usage: 'Pull a mirrored registry\'s images only from its mirrors in registries.yaml, never from the registry itself' },
  { name: 'node-label', type: 'list', commands: both, section: 'node', env: 'RFO_NODE_LABEL', check: 'label', usage: 'Registering and starting kubelet with set of labels' },
  { name: 'node-taint', type: 'list', commands: both, section: 'node', env: 'RFO_NODE_TAINT', check: 'taint', usage: 'Registering kubelet with set of taints' },
  { name: 'kube-apiserver-arg', type: 'list', commands: server, section: 'components', env: 'RFO_KUBE_APISERVER_ARG', check: 'key-value', usage: 'Customized flag for kube-apiserver process' },
  { name: 'kube-controller-manager-arg', type: 'list', commands: server, section: 'components', env: 'RFO_KUBE_CONTROLLER_MANAGER_ARG', check: 'key-value', usage: 'Customized flag for kube-controller-manager process' },
  { name: 'kube-scheduler-arg', type: 'list', commands: server, section: 'components', env: 'RFO_KUBE_SCHEDULER_ARG', check: 'key-value', usage: 'Customized flag for kube-scheduler process' },
  { name: 'helm-controller-arg', type: 'list', commands: server, section: 'components', env: 'RFO_HELM_CONTROLLER_ARG', check: 'key-value', usage: 'Customized flag for helm-controller process' },
  { name: 'disable-helm-controller', type: 'bool', commands: server, section: 'components', env: 'RFO_DISABLE_HELM_CONTROLLER', default: false, usage: 'Do not run helm-controller: HelmCharts (the packaged components among them) are not installed, upgraded or removed' },
  // Secrets encryption at rest (RKE2: always on; K3s' flag kept so a cluster can start without it and `enable` later).
  { name: 'secrets-encryption', type: 'bool', commands: server, section: 'cluster', env: 'RFO_SECRETS_ENCRYPTION', default: true, usage: 'Encrypt Secrets in etcd when this server creates the cluster (change it later with rfo secrets-encrypt enable|disable)' },
  { name: 'secrets-encryption-provider', type: 'string', commands: server, section: 'cluster', env: 'RFO_SECRETS_ENCRYPTION_PROVIDER', default: 'aescbc', check: 'encryption-provider', usage: 'Encryption provider for new keys: aescbc or secretbox (an existing cluster switches at its next rfo secrets-encrypt rotate-keys)' },
  { name: 'etcd-arg', type: 'list', commands: server, section: 'components', env: 'RFO_ETCD_ARG', check: 'key-value', usage: 'Customized flag for etcd process' },
  { name: 'kubelet-arg', type: 'list', commands: both, section: 'components', env: 'RFO_KUBELET_ARG', check: 'key-value', usage: 'Customized flag for kubelet process' },
  { name: 'kube-proxy-arg', type: 'list', commands: both, section: 'components', env: 'RFO_KUBE_PROXY_ARG', check: 'key-value', usage: 'Customized flag for kube-proxy process' },
  { name: 'etcd-extra-env', type: 'list', commands: server, section: 'components', env: 'RFO_ETCD_EXTRA_ENV', check: 'key-value', usage: 'Environment variable KEY=VALUE for the etcd process (default GOGC=25)' },
  { name: 'kube-apiserver-extra-env', type: 'list', commands: server, section: 'components', env: 'RFO_KUBE_APISERVER_EXTRA_ENV', check: 'key-value', usage: 'Environment variable KEY=VALUE for the kube-apiserver process (default GOGC=25)' },
  { name: 'kube-controller-manager-extra-env', type: 'list', commands: server, section: 'components', env: 'RFO_KUBE_CONTROLLER_MANAGER_EXTRA_ENV', check: 'key-value', usage: 'Environment variable KEY=VALUE for the kube-controller-manager process (default GOGC=25)' },
  { name: 'kube-scheduler-extra-env', type: 'list', commands: server, section: 'components', env: 'RFO_KUBE_SCHEDULER_EXTRA_ENV', check: 'key-value', usage: 'Environment variable KEY=VALUE for the kube-scheduler process (default GOGC=25)' },
  { name: 'kube-proxy-extra-env', type: 'list', commands: both, section: 'components', env: 'RFO_KUBE_PROXY_EXTRA_ENV', check: 'key-value', usage: 'Environment variable KEY=VALUE for the kube-proxy process (default GOGC=25)' },
  { name: 'component-log-max-size', type: 'int', commands: both, section: 'node', env: 'RFO_COMPONENT_LOG_MAX_SIZE', default: 50, usage: 'Rotate a component\'s log in agent/logs before it grows past this many MiB' },
  { name: 'component-log-max-files', type: 'int', commands: both, section: 'node', env: 'RFO_COMPONENT_LOG_MAX_FILES', default: 5, usage: 'Log files kept per component, the live one included (at least 2)' },
  // etcd snapshots (RKE2's "db" flags). The subcommand's short names (--s3-bucket, --dir...) are aliases.
  { name: 'etcd-disable-snapshots', type: 'bool', commands: server, section: 'db', default: false, usage: 'Disable automatic etcd snapshots' },
  { name: 'etcd-snapshot-name', type: 'string', commands: server, section: 'db', default: 'etcd-snapshot', usage: 'Set the base name of etcd snapshots' },
  { name: 'etcd-snapshot-schedule-cron', type: 'string', commands: server, section: 'db', default: '0 */12 * * *', usage: 'Snapshot interval time in cron spec. eg. every 5 hours \'0 */5 * * *\'' },
  { name: 'etcd-snapshot-retention', aliases: ['snapshot-retention'], type: 'int', commands: serverSnap, section: 'db', default: 5, usage: 'Number of snapshots to retain' },
  { name: 'etcd-snapshot-dir', aliases: ['dir'], type: 'string', commands: serverSnap, section: 'db', check: 'absolute-path', usage: 'Directory to save db snapshots (default: ${data-dir}/server/db/snapshots)' },
  { name: 'etcd-snapshot-compress', aliases: ['compress', 'snapshot-compress'], type: 'bool', commands: serverSnap, section: 'db', default: false, usage: 'Compress etcd snapshot' },
  { name: 'name', type: 'string', commands: snap, section: 'db', default: 'on-demand', usage: 'Set the base name of the etcd on-demand snapshot (appended with UNIX timestamp)' },
  { name: 'force', type: 'bool', commands: [...enc, ...cert], section: 'common', default: false, usage: 'secrets-encrypt: skip the rotation stage check (prepare, rotate, reencrypt, enable, disable); certificate rotate-ca: skip the checks that the new CA files chain to the current ones and match their keys' },
  { name: 'skip', type: 'bool', commands: enc, section: 'common', default: false, usage: 'secrets-encrypt reencrypt: keep the old keys afterwards' },
  { name: 'output', short: 'o', type: 'string', commands: [...snap, ...enc, ...cert, ...cis], section: 'db', default: 'table', usage: 'Output format (etcd-snapshot list, secrets-encrypt status, certificate check, cis check): table or json' },
  { name: 'cluster-reset', type: 'bool', commands: server, section: 'db', default: false, usage: 'Forget all peers and become sole member of a new cluster' },
  { name: 'cluster-reset-restore-path', type: 'string', commands: server, section: 'db', usage: 'Path to snapshot file to be restored (with --etcd-s3: the snapshot name in the bucket)' },
  { name: 'etcd-s3', aliases: ['s3'], type: 'bool', commands: serverSnap, section: 'db', default: false, usage: 'Enable backup to S3' },
  { name: 'etcd-s3-endpoint', aliases: ['s3-endpoint'], type: 'string', commands: serverSnap, section: 'db', default: 's3.amazonaws.com', usage: 'S3 endpoint url (host[:port])' },
  { name: 'etcd-s3-endpoint-ca', aliases: ['s3-endpoint-ca'], type: 'string', commands: serverSnap, section: 'db', check: 'absolute-path', usage: 'S3 custom CA cert (PEM file) to connect to S3 endpoint' },
  { name: 'etcd-s3-skip-ssl-verify', aliases: ['s3-skip-ssl-verify'], type: 'bool', commands: serverSnap, section: 'db', default: false, usage: 'Disables S3 SSL certificate validation' },
  { name: 'etcd-s3-access-key', aliases: ['s3-access-key'], type: 'string', commands: serverSnap, section: 'db', env: 'AWS_ACCESS_KEY_ID', usage: 'S3 access key' },
  { name: 'etcd-s3-secret-key', aliases: ['s3-secret-key'], type: 'string', commands: serverSnap, section: 'db', env: 'AWS_SECRET_ACCESS_KEY', secret: true, usage: 'S3 secret key' },
  { name: 'etcd-s3-bucket', aliases: ['s3-bucket'], type: 'string', commands: serverSnap, section: 'db', usage: 'S3 bucket name' },
  { name: 'etcd-s3-bucket-lookup-type', aliases: ['s3-bucket-lookup-type'], type: 'string', commands: serverSnap, section: 'db', default: 'auto', usage: 'S3 bucket lookup type, one of auto, dns, path' },
  { name: 'etcd-s3-region', aliases: ['s3-region'], type: 'string', commands: serverSnap, section: 'db', default: 'us-east-1', usage: 'S3 region / bucket location' },
  { name: 'etcd-s3-folder', aliases: ['s3-folder'], type: 'string', commands: serverSnap, section: 'db', usage: 'S3 folder' },
  { name: 'etcd-s3-insecure', aliases: ['s3-insecure'], type: 'bool', commands: serverSnap, section: 'db', default: false, usage: 'Disables S3 over HTTPS' },
  { name: 'etcd-s3-timeout', aliases: ['s3-timeout'], type: 'string', commands: serverSnap, section: 'db', default: '5m0s', usage: 'S3 timeout (Go duration, e.g. 30s, 5m0s)' },
  { name: 'etcd-s3-retention', aliases: ['s3-retention'], type: 'int', commands: serverSnap, section: 'db', default: 5, usage: 'Number of snapshots in S3 to retain' },
  // rfo certificate (RKE2's `certificate` flags; rotate-ca's --server is parsed by the command, see parse-certificate-args.ts).
  { name: 'service', short: 's', type: 'list', splitComma: true, commands: cert, section: 'common', usage: 'Certificates of these services only (rotate, check): admin, api-server, controller-manager, scheduler, rfo-controller, rfo-server, cloud-controller, etcd, auth-proxy, kubelet, kube-proxy, helm-controller, flannel' },
  { name: 'sysctl-conf', type: 'string', commands: cis, section: 'common', env: 'RFO_SYSCTL_CONF', default: '/etc/sysctl.d/90-rfo-cis.conf', check: 'absolute-path', usage: 'cis prepare: the sysctl drop-in it writes with the kernel parameters the cis profile needs' },
  { name: 'path', type: 'string', commands: cert, section: 'common', usage: 'rotate-ca: directory with the new CA files, named as in server/tls' },
];

/** The row a long name or alias (or config key) names, preferring rows of `command`. */
export function findFlag(key: string, command?: Command): FlagSpec | undefined {
  const match = (f: FlagSpec) => f.name === key || f.aliases?.includes(key) === true;
  return (command ? flagTable.find((f) => f.commands.includes(command) && match(f)) : undefined) ?? flagTable.find(match);
}

export function flagsFor(command: Command): FlagSpec[] {
  return flagTable.filter((f) => f.commands.includes(command));
}

/** Default environment variable name for a flag: RFO_<UPPER_SNAKE>. */
export function envNameOf(flag: FlagSpec): string {
  return flag.env ?? `RFO_${flag.name.toUpperCase().replaceAll('-', '_')}`;
}
