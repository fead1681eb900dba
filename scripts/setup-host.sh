#!/usr/bin/env bash
# Installs everything rfo's build and tests need on a fresh Debian 12 host:
# Debian packages, a go command that can fetch the pinned Go toolchain, and
# the npm dependencies (which include the pinned Node LTS).
# Safe to re-run; it only installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

# The toolchain every Go artifact is built with: goToolchain in the version table.
want_go=$(sed -n "s/^export const goToolchain = '\(go[0-9.]*\)';.*/\1/p" src/versions/table.ts)
[ -n "$want_go" ] || { echo "[setup] goToolchain not found in src/versions/table.ts" >&2; exit 1; }
log() { printf '[setup] %s\n' "$*" >&2; }

# busybox-static: the tests' workload image; the runtime's helper image for
# rfo-local-path takes busybox from the .deb pinned in src/versions/table.ts
# (apt's cache or `apt-get download`, checked against its sha256), so the
# version installed here does not matter to the build.
# network-manager and firewalld: the host-networking test runs Debian's real daemons in
# namespaces of its own (test/integration/helpers/network-daemons.ts); they are never
# started on the host (policy-rc.d below; and without systemd as PID 1 nothing starts them).
apt_packages=(gcc libc6-dev make bzip2 libseccomp-dev iptables ipset iproute2 zstd ca-certificates curl unzip busybox-static openssl rpm network-manager firewalld)
missing=()
for p in "${apt_packages[@]}"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  log "apt-get install ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # Packages must not start their services on this host (firewalld would load its rules):
  # policy-rc.d exit 101 is Debian's "do not start", honoured by invoke-rc.d and deb-systemd-invoke.
  policy=/usr/sbin/policy-rc.d
  own_policy=false
  if [ ! -e "$policy" ]; then printf '#!/bin/sh\nexit 101\n' > "$policy" && chmod +x "$policy" && own_policy=true; fi
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  if [ "$own_policy" = true ]; then rm -f "$policy"; fi
fi

# Go: rfo runs every go command with GOTOOLCHAIN=$want_go, and the go command
# (1.21 or newer) fetches that toolchain itself, the standard way: the
# golang.org/toolchain module through `go env GOPROXY`, checked against the
# checksum database. Debian 12's golang-go is 1.19, too old for GOTOOLCHAIN,
# but its `go mod download` fetches and checks the same module; we then run
# the toolchain from a copy (Go 1.19 does not mark its programs executable).
go_ok() { command -v go >/dev/null && go env GOVERSION 2>/dev/null | grep -qE '^go1\.(2[1-9]|[3-9][0-9])'; }
if ! go_ok && [ -f .go-path ] && [ -x "$(cat .go-path)/go" ]; then PATH="$(cat .go-path):$PATH"; fi
if ! go_ok; then
  command -v go >/dev/null || { log "apt-get install golang-go (only to fetch $want_go)"; apt-get install -y -qq --no-install-recommends golang-go >/dev/null; }
  case "$(uname -m)" in x86_64) goarch=amd64 ;; aarch64) goarch=arm64 ;; riscv64) goarch=riscv64 ;; *) goarch=$(uname -m) ;; esac
  mod="golang.org/toolchain@v0.0.1-$want_go.linux-$goarch"
  log "go mod download $mod"
  src=$(cd / && GOFLAGS=-mod=mod go mod download -json "$mod" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')
  [ -n "$src" ] && [ -f "$src/bin/go" ] || { log "go mod download $mod failed"; exit 1; }
  dest="${RFO_CACHE_DIR:-$HOME/.cache/rfo}/toolchain/$want_go"
  if [ ! -x "$dest/bin/go" ]; then
    rm -rf "$dest.tmp" && mkdir -p "$(dirname "$dest")" && cp -r "$src" "$dest.tmp"
    chmod -R u+w "$dest.tmp" && chmod +x "$dest.tmp/bin/"* "$dest.tmp/pkg/tool/"*/* && mv "$dest.tmp" "$dest"
  fi
  log "using $want_go from $dest/bin (recorded in .go-path)"
  echo "$dest/bin" > .go-path
  PATH="$dest/bin:$PATH"
fi
# Fetch the pinned toolchain now (once; it lands in the module cache).
GOTOOLCHAIN="$want_go" go version >/dev/null

# npm ci empties node_modules first; when that is a link to another checkout's
# (a git worktree sharing it), it would wipe that checkout's packages too.
if [ -L node_modules ]; then
  [ -x node_modules/node/bin/node ] || { log "node_modules links to $(readlink node_modules), which has no packages: run npm ci there"; exit 1; }
elif [ ! -x node_modules/node/bin/node ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  log "npm ci"
  npm ci --no-audit --no-fund --loglevel=error
fi
log "ready: $(node_modules/node/bin/node --version), $(GOTOOLCHAIN="$want_go" go env GOVERSION)"
