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
	return runFirewall(config)
}
