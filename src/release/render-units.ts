// Pure: the systemd units an install puts under <prefix>/lib/systemd/system,
// RKE2's with rke2 → rfo. Type=notify: rfo reports READY=1 once the node is
// Ready and CoreDNS answers. KillMode=process + Delegate=yes: stopping the
// service stops rfo (which stops its components) but leaves running pods to
// rfo-killall.sh, as RKE2 does, so a restart does not kill workloads.
// TimeoutStopSec: rfo stops its components one after another, each with its
// own SIGTERM timeout; systemd's default 90 s is less than that worst case
// (render-units.test.ts derives it from the real component specs), and a
// stop cut short by systemd's SIGKILL would leave components running.

export type UnitRole = 'server' | 'agent';

/** Seconds systemd gives `systemctl stop` before it SIGKILLs rfo. */
export const timeoutStopSec = 150;

export function renderUnit(role: UnitRole, prefix = '/usr/local'): string {
  const other = role === 'server' ? 'agent' : 'server';
  return `[Unit]
Description=Rancher for openEuler (rfo ${role})
Documentation=https://www.openeuler.org/en/sig/sig-rfo
Wants=network-online.target
After=network-online.target
Conflicts=rfo-${other}.service

[Install]
WantedBy=multi-user.target

[Service]
Type=notify
EnvironmentFile=-/etc/default/%N
EnvironmentFile=-/etc/sysconfig/%N
EnvironmentFile=-${prefix}/lib/systemd/system/%N.env
KillMode=process
Delegate=yes
LimitNOFILE=1048576
LimitNPROC=infinity
LimitCORE=infinity
TasksMax=infinity
TimeoutStartSec=0
TimeoutStopSec=${timeoutStopSec}s
Restart=always
RestartSec=5s
ExecStartPre=-/sbin/modprobe br_netfilter
ExecStartPre=-/sbin/modprobe overlay
ExecStart=${prefix}/bin/rfo ${role}
`;
}
