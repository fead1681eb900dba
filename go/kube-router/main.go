// The kube-router binary rfo ships for the rfo-network-policy add-on:
// kube-router's network policy controller (the one K3s embeds) and nothing
// else of kube-router (no BGP routing, no service proxy: flannel and
// kube-proxy do those). One static binary, three entries:
//
//	kube-router [flags]         upstream's flags; only the firewall runs
//	kube-router cleanup-ipsets  destroy kube-router's ipsets (rfo killall)
//	kube-router iptables-mode   print the iptables backend it would use
//
// Before the controller starts it picks the iptables backend the node already
// uses (nft or legacy, as kube-proxy's iptables-wrapper does), so its rules
// land in the same tables as kube-proxy's and flannel's.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"strings"

	"github.com/cloudnativelabs/kube-router/v2/pkg/options"
	"github.com/cloudnativelabs/kube-router/v2/pkg/version"
	"github.com/spf13/pflag"
	"k8s.io/klog/v2"
)

func main() {
	if len(os.Args) > 1 {
		switch os.Args[1] {
		case "cleanup-ipsets":
			os.Exit(cleanupIPSetsMain())
		case "iptables-mode":
			mode, err := selectIptablesMode(os.Getenv("IPTABLES_MODE"))
			if err != nil {
				fmt.Fprintln(os.Stderr, err)
				os.Exit(1)
			}
			fmt.Println(mode)
			os.Exit(0)
		}
	}
	if err := runMain(); err != nil {
		fmt.Fprintf(os.Stderr, "%s\n", err)
		os.Exit(1)
	}
}

// runMain is upstream's cmd/kube-router Main, with the firewall-only run.
func runMain() error {
	klog.InitFlags(nil)
	config := options.NewKubeRouterConfig()
	config.AddFlags(pflag.CommandLine)
	pflag.Parse()
	// https://github.com/kubernetes/kubernetes/issues/17162 (as upstream)
	if err := flag.CommandLine.Parse([]string{}); err != nil {
		return fmt.Errorf("failed to parse flags: %s", err)
	}
	if err := flag.Set("logtostderr", "true"); err != nil {
		return err
	}
	if err := flag.Set("v", config.VLevel); err != nil {
		return err
	}
	if config.HelpRequested {
		pflag.Usage()
		return nil
	}
	if config.Version {
		version.PrintVersion(false)
		return nil
	}
	if config.RunRouter || config.RunServiceProxy || config.RunLoadBalancer || !config.RunFirewall {
		return fmt.Errorf("this kube-router runs the network policy controller only: pass --run-firewall=true --run-router=false --run-service-proxy=false")
	}
	if os.Geteuid() != 0 {
		return fmt.Errorf("kube-router needs to be run with privileges to execute iptables and ipset")
	}
	mode, err := selectIptablesMode(os.Getenv("IPTABLES_MODE"))
	if err != nil {
		return err
	}
	if err := useIptablesMode(mode); err != nil {
		return err
	}
	klog.Infof("iptables backend: %s", mode)
	if err := checkIPSet(); err != nil {
		return err
	}
	return runFirewall(config)
}

// checkIPSet fails with the kernel options to look for when ipsets do not
// work on this node; upstream kube-router would only log "ipset save failed"
// and enforce nothing (K3s "silently skips" its controller then).
func checkIPSet() error {
	out, err := exec.Command("ipset", "list", "-n").CombinedOutput()
	if err == nil {
		return nil
	}
	return fmt.Errorf("rfo-network-policy cannot enforce NetworkPolicy on this node: `ipset list -n` failed (%v: %s); "+
		"the kernel needs ip_set, ip_set_hash_ip, ip_set_hash_net and xt_set (CONFIG_IP_SET, CONFIG_IP_SET_HASH_IP, "+
		"CONFIG_IP_SET_HASH_NET, CONFIG_NETFILTER_XT_SET): load them (modprobe ip_set xt_set ...) or set network-policy: none on the servers",
		err, strings.TrimSpace(string(out)))
}
