#!/bin/sh
# Removes rfo from this host, as rke2-uninstall.sh does for RKE2: stops rfo
# and everything it started (rfo-killall.sh), disables the units, deletes
# what install-rfo.sh (or the RPM) put on the host, deletes rfo's state —
# the data dir, the config and kubeconfig dir, the kubelet dir and the CNI
# config rfo wrote —, what rfo set up in NetworkManager and firewalld, and
# finally itself.
#
# The paths are rfo's defaults; the same RFO_* variables that move them for
# `rfo server` (RFO_DATA_DIR, RFO_RUN_DIR, RFO_KUBELET_DIR, RFO_CNI_CONF_DIR,
# RFO_CNI_STATE_DIR)
# move them here, plus RFO_ETC_DIR (default /etc/rancher/rfo).
# RFO_UNINSTALL_SKIP_RELOAD=true leaves systemd alone.
set -u
[ "$(id -u)" -eq 0 ] || { echo "rfo-uninstall.sh: run as root (or with sudo)" >&2; exit 1; }

self=$(readlink -f "$0")
bindir=$(dirname "$self")
prefix=$(dirname "$bindir")
data_dir=${RFO_DATA_DIR:-/var/lib/rancher/rfo}
run_dir=${RFO_RUN_DIR:-/run/rfo}
kubelet_dir=${RFO_KUBELET_DIR:-/var/lib/kubelet}
cni_dir=${RFO_CNI_CONF_DIR:-/etc/cni/net.d}
cni_state_dir=${RFO_CNI_STATE_DIR:-/var/lib/cni}
etc_dir=${RFO_ETC_DIR:-/etc/rancher/rfo}

info() { echo "[rfo-uninstall] $*"; }

# Refuse paths that would take the system with them. The prefix is /usr for
# the RPM and /usr/local for the tarball: only rfo's own files under it go.
for d in "$data_dir" "$etc_dir" "$kubelet_dir"; do
  case "$d" in /|/usr|/usr/local|/etc|/var|/var/lib|/opt|/home|/root|'') echo "rfo-uninstall.sh: refusing to remove $d" >&2; exit 1 ;; esac
done
case "$prefix" in /|'') echo "rfo-uninstall.sh: refusing to work on prefix '$prefix'" >&2; exit 1 ;; esac

if [ "${RFO_UNINSTALL_SKIP_RELOAD:-false}" != true ] && command -v systemctl >/dev/null 2>&1; then
  for unit in rfo-server rfo-agent; do
    systemctl stop "$unit" >/dev/null 2>&1 || true
    systemctl disable "$unit" >/dev/null 2>&1 || true
  done
fi

info "stopping rfo and its containers (rfo-killall.sh)"
if [ -x "$bindir/rfo-killall.sh" ]; then
  "$bindir/rfo-killall.sh" --run-dir "$run_dir" --data-dir "$data_dir" --kubelet-dir "$kubelet_dir" --cni-state-dir "$cni_state_dir" || info "rfo-killall.sh failed; removing files anyway"
fi

# What rfo server/agent set up in NetworkManager (the drop-in, moved by
# RFO_NETWORKMANAGER_CONF or networkmanager-conf) and firewalld (zone and
# service rfo); before the rfo program goes.
info "removing rfo's NetworkManager drop-in and firewalld zone and service (rfo host-network remove)"
if [ -x "$bindir/rfo" ]; then
  # A moved drop-in (networkmanager-conf) is named in the node's config file.
  set --
  [ -z "${RFO_CONFIG_FILE:-}" ] && [ -f "$etc_dir/config.yaml" ] && set -- --config "$etc_dir/config.yaml"
  "$bindir/rfo" host-network remove "$@" || info "rfo host-network remove failed; see above"
fi

# An RPM install is removed by rpm, which also reloads systemd.
if [ "$prefix" = /usr ] && command -v rpm >/dev/null 2>&1 && rpm -q rfo >/dev/null 2>&1; then
  info "removing the rfo RPM"
  rpm -e rfo || true
fi

info "removing rfo from $prefix"
rm -f "$prefix/lib/systemd/system/rfo-server.service" "$prefix/lib/systemd/system/rfo-agent.service" \
  "$prefix/lib/systemd/system/rfo-server.env" "$prefix/lib/systemd/system/rfo-agent.env"
rm -rf "$prefix/lib/rfo"
rm -f "$bindir/rfo" "$bindir/rfo-killall.sh"
# Directories the installer created under a custom prefix, if now empty.
case "$prefix" in /usr|/usr/local) ;; *) rmdir "$prefix/lib/systemd/system" "$prefix/lib/systemd" "$prefix/lib" 2>/dev/null || true ;; esac

info "removing rfo's data: $data_dir, $etc_dir, $kubelet_dir, $run_dir, rfo's CNI config in $cni_dir and its pod IP reservations in $cni_state_dir"
rm -rf "$data_dir" "$etc_dir" "$kubelet_dir" "$run_dir" "$cni_state_dir/networks/rfo-pod-network"
rm -f "$cni_dir"/10-rfo.conflist 2>/dev/null || true
rmdir "$cni_state_dir/networks" "$cni_state_dir" 2>/dev/null || true
rmdir "$(dirname "$data_dir")" "$(dirname "$etc_dir")" 2>/dev/null || true

if [ "${RFO_UNINSTALL_SKIP_RELOAD:-false}" != true ] && command -v systemctl >/dev/null 2>&1; then
  systemctl daemon-reload >/dev/null 2>&1 || true
fi

info "removing $self"
rm -f "$self"
case "$prefix" in /usr|/usr/local) ;; *) rmdir "$bindir" "$prefix" 2>/dev/null || true ;; esac
info "rfo is uninstalled"
