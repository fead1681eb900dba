#!/bin/sh
# rfo's entry point in a release (tarball and RPM). rfo's TypeScript sources,
# its npm dependencies, the Node runtime the tests ran it with and the
# Kubernetes runtime all live in <prefix>/lib/rfo, so the host needs neither
# Node.js nor npm. NODE_OPTIONS from the caller's environment is dropped:
# flags for some other Node must not change how rfo runs.
self=$(readlink -f "$0")
lib=$(dirname "$(dirname "$self")")/lib/rfo
if [ ! -x "$lib/node" ]; then
  echo "rfo: $lib/node is missing; reinstall rfo (install-rfo.sh)" >&2
  exit 1
fi
unset NODE_OPTIONS
exec "$lib/node" "$lib/src/cli/main.ts" "$@"
