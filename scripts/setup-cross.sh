#!/usr/bin/env bash
# Installs what a cross build of the C and cgo artifacts (runc, pause) needs
# for one target arch, on a Debian 12 amd64 host. Only cross builds run it
# (build:runtime --arch X calls it when the cross compiler is missing), never
# .ci/run's default path: the packages are ~150 MiB per arch.
#   bash scripts/setup-cross.sh arm64|riscv64 [--qemu] [--vm]
# --qemu also installs qemu-user-static (running foreign binaries in tests);
# --vm (arm64) also installs qemu-system-arm and fetches Debian's arm64 kernel
#   and busybox-static:arm64 (apt-get download, unpacked, not installed) into
#   ${RFO_CACHE_DIR:-~/.cache/rfo}/cross/arm64/vm/: test/cross boots them to run
#   the arm64 runc for real (qemu-user cannot: it refuses runc's clone(CLONE_PARENT)).
#
# arm64: Debian's cross gcc + libc, and libseccomp-dev:arm64 through multiarch
#   (dpkg --add-architecture arm64), the same package amd64 builds link.
# riscv64: Debian's cross gcc + libc, but bookworm is not released for
#   riscv64 (no libseccomp-dev:riscv64 there), so libseccomp is built from
#   Debian's own source package (apt-get source, the version amd64 links),
#   static, into ${RFO_CACHE_DIR:-~/.cache/rfo}/cross/riscv64/libseccomp-<version>/,
#   with a .pc file the build points pkg-config at.
# Safe to re-run; it only installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
log() { printf '[setup-cross] %s\n' "$*" >&2; }

arch=${1:-}
qemu=false
vm=false
for flag in "${@:2}"; do
  case "$flag" in
    --qemu) qemu=true ;;
    --vm) vm=true ;;
    *) echo "unknown option $flag" >&2; exit 2 ;;
  esac
done
case "$arch" in
  arm64) triplet=aarch64-linux-gnu; qemu_bin=qemu-aarch64-static ;;
  riscv64) triplet=riscv64-linux-gnu; qemu_bin=qemu-riscv64-static ;;
  *) echo "usage: $0 arm64|riscv64 [--qemu] [--vm]" >&2; exit 2 ;;
esac
[ "$(dpkg --print-architecture)" = amd64 ] || { log "cross builds are set up for an amd64 host only"; exit 1; }
export DEBIAN_FRONTEND=noninteractive

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }
updated=false
apt_update() { if [ "$updated" = false ]; then apt-get update -qq; updated=true; fi; }
apt_install() {
  local missing=()
  for p in "$@"; do installed "$p" || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "apt-get install ${missing[*]}"
  apt_update
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

want=(gcc-$triplet libc6-dev-$arch-cross pkg-config)
$qemu && want+=(qemu-user-static)
if [ "$arch" = arm64 ]; then
  if ! dpkg --print-foreign-architectures | grep -qx arm64; then
    log "dpkg --add-architecture arm64"
    dpkg --add-architecture arm64
    updated=false
  fi
  # Multiarch: the arm64 package must be the same version as the amd64 one.
  want+=(libseccomp-dev:arm64)
  # Node (dynamically linked, unlike our static binaries) needs it to start under qemu-user.
  $qemu && want+=(libstdc++6:arm64)
fi
apt_install "${want[@]}"

if [ "$arch" = riscv64 ]; then
  # The libseccomp amd64 links: its Debian version names the source to build.
  version=$(dpkg-query -W -f='${Version}' libseccomp-dev:amd64 2>/dev/null || true)
  [ -n "$version" ] || { apt_install libseccomp-dev; version=$(dpkg-query -W -f='${Version}' libseccomp-dev:amd64); }
  dest="${RFO_CACHE_DIR:-$HOME/.cache/rfo}/cross/riscv64/libseccomp-$version"
  if [ ! -f "$dest/done" ]; then
    apt_install gperf make
    # apt-get source needs deb-src entries: the same mirrors as the binary ones.
    if ! apt-get source --print-uris -qq "libseccomp=$version" >/dev/null 2>&1; then
      src_list=/etc/apt/sources.list.d/rfo-deb-src.sources
      log "adding deb-src entries ($src_list) for apt-get source"
      sed -n 's/^Types: deb$/Types: deb-src/p; /^Types:/!p' /etc/apt/sources.list.d/debian.sources > "$src_list"
      updated=false
      apt_update
    fi
    work=$(mktemp -d) && chmod 755 "$work" # apt-get source fetches as _apt
    trap 'rm -rf "$work"' EXIT
    log "apt-get source libseccomp=$version; building it static for $triplet"
    (cd "$work" && apt-get source -qq "libseccomp=$version" >/dev/null)
    srcdir=$(find "$work" -maxdepth 1 -mindepth 1 -type d -name 'libseccomp-*' | head -1)
    # Debian's patches are applied by dpkg-source -x (3.0 quilt), so this is Debian's libseccomp.
    epoch=$(dpkg-parsechangelog -l "$srcdir/debian/changelog" -S Timestamp)
    (
      cd "$srcdir"
      export SOURCE_DATE_EPOCH=$epoch
      ./configure -q --host="$triplet" --prefix="$dest.partial" --enable-static --disable-shared CFLAGS='-O2 -fPIC' >/dev/null
      make -s -j2 -C src >/dev/null
      make -s -C src install >/dev/null
      make -s -C include install >/dev/null
      install -D -m 0644 libseccomp.pc "$dest.partial/lib/pkgconfig/libseccomp.pc"
    )
    sed -i "s|^prefix=.*|prefix=$dest|" "$dest.partial/lib/pkgconfig/libseccomp.pc"
    printf 'libseccomp %s (Debian source, static, %s)\n' "$version" "$("$triplet-gcc" --version | head -1)" > "$dest.partial/done"
    rm -rf "$dest" && mv "$dest.partial" "$dest"
  fi
  log "libseccomp for riscv64: $dest"
fi
$qemu && log "qemu: $(command -v "$qemu_bin")"
if $vm; then
  [ "$arch" = arm64 ] || { log "--vm: only arm64 (Debian 12 has no riscv64 kernel package)"; exit 2; }
  apt_install qemu-system-arm
  vmdir="${RFO_CACHE_DIR:-$HOME/.cache/rfo}/cross/arm64/vm"
  # The kernel the metapackage points at today; its version names the directory.
  kpkg=$(apt-cache depends linux-image-arm64:arm64 2>/dev/null | sed -n 's/^ *Depends: \(linux-image-[0-9].*-arm64\).*/\1/p' | head -1)
  [ -n "$kpkg" ] || { apt_update; kpkg=$(apt-cache depends linux-image-arm64:arm64 | sed -n 's/^ *Depends: \(linux-image-[0-9].*-arm64\).*/\1/p' | head -1); }
  if [ ! -f "$vmdir/$kpkg/done" ]; then
    work=$(mktemp -d) && chmod 755 "$work"
    log "apt-get download $kpkg:arm64 busybox-static:arm64 (unpacked into $vmdir/$kpkg, not installed)"
    (cd "$work" && apt-get download -qq "$kpkg:arm64" busybox-static:arm64 >/dev/null)
    rm -rf "$vmdir/$kpkg.partial" && mkdir -p "$vmdir/$kpkg.partial"
    for deb in "$work"/*.deb; do dpkg-deb -x "$deb" "$work/x"; done
    cp "$work"/x/boot/vmlinuz-* "$vmdir/$kpkg.partial/vmlinuz"
    cp "$work/x/bin/busybox" "$vmdir/$kpkg.partial/busybox"
    (cd "$work" && dpkg-deb -f ./linux-image-*.deb Package Version; dpkg-deb -f ./busybox-static*.deb Package Version) > "$vmdir/$kpkg.partial/done"
    rm -rf "$work" "$vmdir/$kpkg" && mv "$vmdir/$kpkg.partial" "$vmdir/$kpkg"
  fi
  log "arm64 VM: $vmdir/$kpkg ($(command -v qemu-system-aarch64))"
fi
log "ready: $("$triplet-gcc" --version | head -1)"
