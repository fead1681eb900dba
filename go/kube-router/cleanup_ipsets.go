package main

import (
	"fmt"
	"io"
	"log"
	"os"
	"strings"

	"github.com/vishvananda/netlink"
)

// cleanupIPSetsMain destroys the ipsets kube-router's policy controller
// creates (KUBE-SRC-*, KUBE-DST-*, its own prefixes), through netlink, so
// `rfo killall` can remove them on a host without the ipset tool. Run it
// after the iptables rules that use them are gone (the kernel refuses to
// destroy a set a rule references).
func cleanupIPSetsMain() int {
	// netlink logs every set attribute it does not decode (comments, timeouts): noise here.
	log.SetOutput(io.Discard)
	sets, err := netlink.IpsetListAll()
	if err != nil {
		fmt.Fprintf(os.Stderr, "listing ipsets: %v\n", err)
		return 1
	}
	failed := 0
	destroyed := 0
	for _, s := range sets {
		if !isKubeRouterSet(s.SetName) {
			continue
		}
		if err := netlink.IpsetDestroy(s.SetName); err != nil {
			fmt.Fprintf(os.Stderr, "destroying ipset %s: %v\n", s.SetName, err)
			failed++
			continue
		}
		destroyed++
	}
	fmt.Printf("destroyed %d kube-router ipsets\n", destroyed)
	if failed > 0 {
		return 1
	}
	return 0
}

// kube-router's netpol controller names its sets KUBE-SRC-<hash> and
// KUBE-DST-<hash> (pkg/controllers/netpol, kubeSourceIPSetPrefix...).
// IPv6 sets carry kube-router's "inet6:" prefix in front of those.
func isKubeRouterSet(name string) bool {
	name = strings.TrimPrefix(name, "inet6:")
	return strings.HasPrefix(name, "KUBE-SRC-") || strings.HasPrefix(name, "KUBE-DST-")
}
