#!/bin/sh
# install-rfo.sh — installs rfo (Rancher for openEuler), RKE2's installer
# with rke2 → rfo:
#   curl -sfL https://<mirror>/install-rfo.sh | INSTALL_RFO_VERSION="v1.36.3+rfor1" sh -
#   systemctl enable --now rfo-server      (or INSTALL_RFO_TYPE=agent, rfo-agent)
#
# Every artifact is checked against the signed checksum file and its own
# signature (ECDSA P-256, the release public key is embedded below) BEFORE
# anything is written outside a temporary directory; on any mismatch the
# script stops and the system is unchanged. Re-running upgrades in place.
#
# Variables:
#   INSTALL_RFO_VERSION        release to install (vX.Y.Z+rforN); default: the channel's
#   INSTALL_RFO_CHANNEL        stable (default), latest, or a minor such as v1.36
#   INSTALL_RFO_CHANNEL_URL    channels file (default $INSTALL_RFO_MIRROR_URL/channels.json)
#   INSTALL_RFO_MIRROR_URL     where releases live: <url>/<version>/<artifact>
#   INSTALL_RFO_ARTIFACT_PATH  install offline from this directory (artifacts, or
#                              channels.json plus one sub-directory per version)
#   INSTALL_RFO_TYPE           server (default) or agent: which unit to enable later
#   INSTALL_RFO_METHOD         tar (default) or rpm
#   INSTALL_RFO_TAR_PREFIX     where the tarball unpacks (default /usr/local)
#   INSTALL_RFO_AGENT_IMAGES_DIR  where the airgap images go (default /var/lib/rancher/rfo/agent/images)
#   INSTALL_RFO_SKIP_RELOAD    true: do not run systemctl daemon-reload
set -eu

# The release public key (replaced by `npm run release`; a dev build carries the dev key).
RFO_PUBLIC_KEY='@RFO_PUBLIC_KEY@'

info() { echo "[INFO]  $*"; }
warn() { echo "[WARN]  $*" >&2; }
fatal() {
  echo "[ERROR] $*" >&2
  exit 1
}

setup_env() {
  INSTALL_RFO_TYPE=${INSTALL_RFO_TYPE:-server}
  case "$INSTALL_RFO_TYPE" in server | agent) ;; *) fatal "INSTALL_RFO_TYPE must be server or agent, not '$INSTALL_RFO_TYPE'" ;; esac
  INSTALL_RFO_METHOD=${INSTALL_RFO_METHOD:-tar}
  case "$INSTALL_RFO_METHOD" in tar | rpm) ;; *) fatal "INSTALL_RFO_METHOD must be tar or rpm, not '$INSTALL_RFO_METHOD'" ;; esac
  INSTALL_RFO_TAR_PREFIX=${INSTALL_RFO_TAR_PREFIX:-/usr/local}
  INSTALL_RFO_AGENT_IMAGES_DIR=${INSTALL_RFO_AGENT_IMAGES_DIR:-/var/lib/rancher/rfo/agent/images}
  INSTALL_RFO_CHANNEL=${INSTALL_RFO_CHANNEL:-stable}
  INSTALL_RFO_MIRROR_URL=${INSTALL_RFO_MIRROR_URL:-https://releases.rfo.openeuler.org}
  INSTALL_RFO_CHANNEL_URL=${INSTALL_RFO_CHANNEL_URL:-$INSTALL_RFO_MIRROR_URL/channels.json}
  INSTALL_RFO_SKIP_RELOAD=${INSTALL_RFO_SKIP_RELOAD:-false}
  if [ "$(id -u)" -ne 0 ]; then
    fatal "install-rfo.sh must run as root: curl -sfL ... | sudo sh -"
  fi
}

# openEuler 22.03 LTS and 24.03 LTS (any SP) are supported; anything else is
# allowed with a warning, as RKE2 does for untested distributions.
detect_os() {
  os_id='' os_version_id='' os_version='' os_pretty=''
  if [ -r /etc/os-release ]; then
    # shellcheck disable=SC1091
    os_id=$(. /etc/os-release && echo "${ID:-}")
    os_version_id=$(. /etc/os-release && echo "${VERSION_ID:-}")
    os_version=$(. /etc/os-release && echo "${VERSION:-}")
    os_pretty=$(. /etc/os-release && echo "${PRETTY_NAME:-${NAME:-unknown}}")
  fi
  case "$os_id:$os_version_id:$os_version" in
    openEuler:22.03:*LTS* | openEuler:24.03:*LTS*)
      info "openEuler $os_version: supported" ;;
    *)
      warn "${os_pretty:-this system} is not a supported system (rfo supports openEuler 22.03 LTS and 24.03 LTS); continuing anyway" ;;
  esac
}

detect_arch() {
  case "$(uname -m)" in
    x86_64 | amd64) ARCH=amd64 ;;
    aarch64 | arm64) ARCH=arm64 ;;
    riscv64) ARCH=riscv64 ;;
    *) fatal "unsupported architecture $(uname -m)" ;;
  esac
  info "architecture $ARCH"
}

need() { command -v "$1" >/dev/null 2>&1 || fatal "$1 is required ($2)"; }

# fetch <url> <dest>: curl or wget; local paths are copied.
fetch() {
  if command -v curl >/dev/null 2>&1; then
    curl -fsSL -o "$2" "$1"
  elif command -v wget >/dev/null 2>&1; then
    wget -q -O "$2" "$1"
  else
    fatal "curl or wget is required to download $1 (or use INSTALL_RFO_ARTIFACT_PATH)"
  fi
}

# channel_version <channels file> <channel>
channel_version() {
  sed -n "s/^[[:space:]]*\"$2\"[[:space:]]*:[[:space:]]*\"\([^\"]*\)\".*/\1/p" "$1" | head -n 1
}

# The versions a channels file or an artifact directory knows, for error messages.
known_versions() {
  if [ -n "${INSTALL_RFO_ARTIFACT_PATH:-}" ]; then
    ls -1 "$INSTALL_RFO_ARTIFACT_PATH" 2>/dev/null | grep -E '^v[0-9]+\.[0-9]+\.[0-9]+\+rfor[0-9]+$' | tr '\n' ' '
  elif [ -s "$TMP/channels.json" ]; then
    sed -n 's/^[[:space:]]*"[^"]*"[[:space:]]*:[[:space:]]*"\(v[^"]*\)".*/\1/p' "$TMP/channels.json" | sort -u | tr '\n' ' '
  fi
}

# Decides where the artifacts come from: SRC (a directory) or BASE_URL.
resolve_source() {
  SRC='' BASE_URL=''
  if [ -n "${INSTALL_RFO_ARTIFACT_PATH:-}" ]; then
    [ -d "$INSTALL_RFO_ARTIFACT_PATH" ] || fatal "INSTALL_RFO_ARTIFACT_PATH $INSTALL_RFO_ARTIFACT_PATH is not a directory"
    if [ -f "$INSTALL_RFO_ARTIFACT_PATH/sha256sum-$ARCH.txt" ]; then
      SRC=$INSTALL_RFO_ARTIFACT_PATH # one release's artifacts, as RKE2's airgap install takes them
      VERSION=${INSTALL_RFO_VERSION:-}
      if [ -f "$SRC/VERSION" ]; then
        have=$(cat "$SRC/VERSION")
        [ -z "$VERSION" ] || [ "$VERSION" = "$have" ] || fatal "version $VERSION is not in $SRC; available versions: $have"
        VERSION=$have
      fi
    else
      VERSION=${INSTALL_RFO_VERSION:-}
      if [ -z "$VERSION" ]; then
        [ -f "$INSTALL_RFO_ARTIFACT_PATH/channels.json" ] || fatal "no sha256sum-$ARCH.txt or channels.json in $INSTALL_RFO_ARTIFACT_PATH"
        VERSION=$(channel_version "$INSTALL_RFO_ARTIFACT_PATH/channels.json" "$INSTALL_RFO_CHANNEL")
        [ -n "$VERSION" ] || fatal "channel '$INSTALL_RFO_CHANNEL' is not in $INSTALL_RFO_ARTIFACT_PATH/channels.json"
      fi
      SRC=$INSTALL_RFO_ARTIFACT_PATH/$VERSION
      [ -f "$SRC/sha256sum-$ARCH.txt" ] || fatal "version $VERSION ($ARCH) is not in $INSTALL_RFO_ARTIFACT_PATH; available versions: $(known_versions)"
    fi
    info "installing ${VERSION:-rfo} from $SRC"
  else
    VERSION=${INSTALL_RFO_VERSION:-}
    if [ -z "$VERSION" ]; then
      fetch "$INSTALL_RFO_CHANNEL_URL" "$TMP/channels.json" || fatal "cannot download the channels file $INSTALL_RFO_CHANNEL_URL"
      VERSION=$(channel_version "$TMP/channels.json" "$INSTALL_RFO_CHANNEL")
      [ -n "$VERSION" ] || fatal "channel '$INSTALL_RFO_CHANNEL' is not in $INSTALL_RFO_CHANNEL_URL"
    fi
    BASE_URL=$INSTALL_RFO_MIRROR_URL/$(echo "$VERSION" | sed 's/+/%2B/g')
    info "installing $VERSION from $BASE_URL"
  fi
}

# get <artifact>: copies or downloads it (and its .sig) into $TMP.
get() {
  if [ -n "$SRC" ]; then
    [ -f "$SRC/$1" ] || fatal "$1 is missing from $SRC"
    cp "$SRC/$1" "$TMP/$1"
    [ ! -f "$SRC/$1.sig" ] || cp "$SRC/$1.sig" "$TMP/$1.sig"
  else
    if ! fetch "$BASE_URL/$1" "$TMP/$1"; then
      [ -s "$TMP/channels.json" ] || fetch "$INSTALL_RFO_CHANNEL_URL" "$TMP/channels.json" 2>/dev/null || true
      fatal "cannot download $BASE_URL/$1: is $VERSION a release? known versions: $(known_versions)"
    fi
    fetch "$BASE_URL/$1.sig" "$TMP/$1.sig" || true
  fi
}

# verify_sig <file>: the release key must have signed it.
verify_sig() {
  [ -s "$TMP/$1.sig" ] || fatal "signature $1.sig is missing: refusing to install unsigned artifacts"
  if ! openssl base64 -d -A -in "$TMP/$1.sig" -out "$TMP/$1.sig.der" 2>/dev/null ||
    ! openssl dgst -sha256 -verify "$TMP/rfo-release.pub" -signature "$TMP/$1.sig.der" "$TMP/$1" >/dev/null 2>&1; then
    fatal "signature check FAILED for $1: it was not signed by the rfo release key; nothing was installed"
  fi
}

# verify_sum <file>: its sha256 must be the one the signed checksum file lists.
verify_sum() {
  want=$(awk -v f="$1" '$2 == f || $2 == "*"f { print $1 }' "$TMP/sha256sum-$ARCH.txt")
  [ -n "$want" ] || fatal "$1 is not listed in sha256sum-$ARCH.txt"
  got=$(sha256sum "$TMP/$1" | awk '{ print $1 }')
  [ "$want" = "$got" ] || fatal "sha256 mismatch for $1 (expected $want, got $got); nothing was installed"
}

download_and_verify() {
  need openssl "to check the release signatures"
  need sha256sum "to check the release checksums"
  printf '%s\n' "$RFO_PUBLIC_KEY" >"$TMP/rfo-release.pub"
  get "sha256sum-$ARCH.txt"
  verify_sig "sha256sum-$ARCH.txt"
  if [ "$INSTALL_RFO_METHOD" = rpm ]; then
    PKG=$(awk '{ sub(/^\*/, "", $2); print $2 }' "$TMP/sha256sum-$ARCH.txt" | grep -E '^rfo-.*\.rpm$' | head -n 1)
    [ -n "$PKG" ] || fatal "this release has no RPM for $ARCH"
  else
    PKG=rfo.linux-$ARCH.tar.gz
  fi
  IMAGES=rfo-images.linux-$ARCH.tar.zst
  for f in "$PKG" "$IMAGES"; do
    get "$f"
    verify_sum "$f"
    verify_sig "$f"
  done
  info "checksums and signatures verified ($PKG, $IMAGES)"
}

install_tar() {
  prefix=$INSTALL_RFO_TAR_PREFIX
  existing=$prefix
  while [ ! -e "$existing" ]; do existing=$(dirname "$existing"); done
  [ -w "$existing" ] || fatal "$prefix is not writable (read-only /usr? set INSTALL_RFO_TAR_PREFIX=/opt/rfo)"
  # Check the tarball unpacks completely before touching the prefix.
  mkdir -p "$TMP/tree"
  tar -xzf "$TMP/$PKG" -C "$TMP/tree" || fatal "cannot unpack $PKG"
  if [ "$prefix" != /usr/local ]; then
    # The units name /usr/local; point them at the real prefix.
    for u in "$TMP"/tree/lib/systemd/system/rfo-*.service; do sed -i "s|/usr/local|$prefix|g" "$u"; done
  fi
  mkdir -p "$prefix"
  # Upgrade in place: the previous rfo and runtime go, then the new tree lands.
  rm -rf "$prefix/lib/rfo"
  tar -C "$TMP/tree" -cf - . | tar -C "$prefix" -xf - --no-same-owner
  info "installed rfo to $prefix (bin/rfo, bin/rfo-killall.sh, bin/rfo-uninstall.sh, lib/rfo, lib/systemd/system/rfo-*.service)"
}

install_rpm() {
  need rpm "for INSTALL_RFO_METHOD=rpm"
  if command -v dnf >/dev/null 2>&1; then
    dnf install -y "$TMP/$PKG" || fatal "dnf could not install $PKG"
  else
    rpm -U --replacepkgs "$TMP/$PKG" || fatal "rpm could not install $PKG"
  fi
  info "installed $PKG"
}

install_images() {
  mkdir -p "$INSTALL_RFO_AGENT_IMAGES_DIR"
  cp "$TMP/$IMAGES" "$INSTALL_RFO_AGENT_IMAGES_DIR/.$IMAGES.tmp"
  mv -f "$INSTALL_RFO_AGENT_IMAGES_DIR/.$IMAGES.tmp" "$INSTALL_RFO_AGENT_IMAGES_DIR/$IMAGES"
  info "airgap images copied to $INSTALL_RFO_AGENT_IMAGES_DIR/$IMAGES"
}

reload_systemd() {
  if [ "$INSTALL_RFO_SKIP_RELOAD" = true ] || ! command -v systemctl >/dev/null 2>&1; then
    return 0
  fi
  systemctl daemon-reload || warn "systemctl daemon-reload failed"
  if systemctl is-active --quiet "rfo-$INSTALL_RFO_TYPE" 2>/dev/null; then
    info "rfo-$INSTALL_RFO_TYPE is running the previous version: systemctl restart rfo-$INSTALL_RFO_TYPE"
  fi
}

next_steps() {
  bindir=$INSTALL_RFO_TAR_PREFIX/bin
  [ "$INSTALL_RFO_METHOD" = tar ] || bindir=/usr/bin
  cat <<EOT
[INFO]  rfo ${VERSION:-} is installed. Next steps:
  1. optional: write /etc/rancher/rfo/config.yaml (keys are rfo server/agent flag names)
  2. systemctl enable --now rfo-$INSTALL_RFO_TYPE.service
  3. journalctl -u rfo-$INSTALL_RFO_TYPE -f          (wait for "rfo is ready")
  4. export KUBECONFIG=/etc/rancher/rfo/rfo.yaml PATH=/var/lib/rancher/rfo/bin:\$PATH; kubectl get nodes
  Check the installed files: $bindir/rfo verify
  Stop everything: $bindir/rfo-killall.sh    Remove rfo: $bindir/rfo-uninstall.sh
EOT
}

main() {
  setup_env
  detect_os
  detect_arch
  TMP=$(mktemp -d "${TMPDIR:-/tmp}/install-rfo.XXXXXX")
  trap 'rm -rf "$TMP"' EXIT
  trap 'exit 130' INT TERM
  resolve_source
  download_and_verify
  if [ "$INSTALL_RFO_METHOD" = rpm ]; then install_rpm; else install_tar; fi
  install_images
  reload_systemd
  next_steps
}

main "$@"
