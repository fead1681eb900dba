// Pure: the environment a component starts with. It inherits rfo's (PATH,
// proxies, locale, TZ: what a host admin sets for the node), minus what is
// rfo's alone: its RFO_* settings (RFO_TOKEN, RFO_AGENT_TOKEN… are secrets,
// and no component reads RFO_*), the AWS_* keys rfo uses for etcd snapshots
// to S3, and systemd's NOTIFY_SOCKET (readiness is rfo's to report; etcd
// would otherwise send its own READY=1, which systemd refuses and logs).
// Then the spec's own variables and the RFO_MANAGED marker naming the
// instance (its run dir), which killall and crash recovery look for.

export const managedMarker = 'RFO_MANAGED';

const notInherited = (name: string) => name.startsWith('RFO_') || name.startsWith('AWS_') || name === 'NOTIFY_SOCKET';

export function planComponentEnv(parent: Readonly<Record<string, string | undefined>>, own: Readonly<Record<string, string>>, instance: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(parent)) if (value !== undefined && !notInherited(name)) env[name] = value;
  return { ...env, ...own, [managedMarker]: instance };
}
