#!/bin/sh
# Stops rfo and everything it started, unmounts, removes pod interfaces and
# rfo's iptables rules; the data dir stays. Same as `rfo killall`.
exec "$(dirname "$(readlink -f "$0")")/rfo" killall "$@"
