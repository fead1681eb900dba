#!/usr/bin/env bash
# Installs everything rfo's build and tests need on a fresh Debian 12 host:
# Debian packages, a Go 1.26 toolchain (from the Go module proxy if the host
# has none), and the npm dependencies (which include the pinned Node LTS).
# Safe to re-run; it only installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

want_go=go1.26.8
log() { printf '[setup] %s\n' "$*" >&2; }

apt_packages=(gcc libc6-dev libseccomp-dev iptables iproute2 zstd ca-certificates curl unzip busybox-static openssl rpm)
missing=()
for p in "${apt_packages[@]}"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  log "apt-get install ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Go: the runtime is built with Go 1.26. Use the host's if new enough, else
# fetch the official toolchain module from the Go module proxy.
go_ok() { command -v go >/dev/null && go env GOVERSION 2>/dev/null | grep -qE '^go1\.(2[6-9]|[3-9][0-9])'; }
if ! go_ok; then
  dest="${RFO_CACHE_DIR:-$HOME/.cache/rfo}/toolchain/$want_go"
  if [ ! -x "$dest/go/bin/go" ]; then
    proxy="${GOPROXY:-https://proxy.golang.org}"; proxy="${proxy%%,*}"
    log "downloading $want_go from the Go module proxy"
    tmp=$(mktemp -d)
    curl -fsSL "$proxy/golang.org/toolchain/@v/v0.0.1-$want_go.linux-amd64.zip" -o "$tmp/go.zip"
    mkdir -p "$dest" && unzip -q "$tmp/go.zip" -d "$tmp/x"
    mv "$tmp/x/golang.org/toolchain@v0.0.1-$want_go.linux-amd64" "$dest/go"
    chmod +x "$dest/go/bin/"* "$dest/go/pkg/tool/"*/* 2>/dev/null || true
    rm -rf "$tmp"
  fi
  log "using Go from $dest/go/bin (add it to PATH)"
  echo "$dest/go/bin" > .go-path
fi

if [ ! -x node_modules/node/bin/node ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  log "npm ci"
  npm ci --no-audit --no-fund --loglevel=error
fi
log "ready: $(node_modules/node/bin/node --version), $(go_ok && go env GOVERSION || cat .go-path)"
