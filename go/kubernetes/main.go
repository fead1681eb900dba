// Command kubernetes is rfo's multi-call Kubernetes binary: one executable that
// holds kube-apiserver, kube-controller-manager, kube-scheduler, kubelet,
// kube-proxy and kubectl. It dispatches on the name it was started under
// (a symlink such as bin/kubelet), or on its first argument
// (`kubernetes kubelet --flags`).
//
// Each component still runs in its own process: components share global
// state such as the feature gate registry, so running several in one process
// makes their flags overwrite each other. One binary saves link time and disk
// because the six components share most of their code.
package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	_ "time/tzdata" // CronJob time zones (kube-apiserver, kube-controller-manager)

	"github.com/spf13/cobra"
	"k8s.io/component-base/cli"
	"k8s.io/component-base/logs"
	_ "k8s.io/component-base/logs/json/register"
	_ "k8s.io/component-base/metrics/prometheus/clientgo"
	_ "k8s.io/component-base/metrics/prometheus/version"

	_ "k8s.io/client-go/plugin/pkg/client/auth" // kubectl auth plugins
	kubectlcmd "k8s.io/kubectl/pkg/cmd"
	kubectlutil "k8s.io/kubectl/pkg/cmd/util"
	apiserver "k8s.io/kubernetes/cmd/kube-apiserver/app"
	controllermanager "k8s.io/kubernetes/cmd/kube-controller-manager/app"
	proxy "k8s.io/kubernetes/cmd/kube-proxy/app"
	scheduler "k8s.io/kubernetes/cmd/kube-scheduler/app"
	kubelet "k8s.io/kubernetes/cmd/kubelet/app"
)

// servers maps a component name to the constructor of its cobra command,
// mirroring each upstream cmd/<component>/main.go.
var servers = map[string]func() *cobra.Command{
	"kube-apiserver":          apiserver.NewAPIServerCommand,
	"kube-controller-manager": controllermanager.NewControllerManagerCommand,
	"kube-scheduler":          func() *cobra.Command { return scheduler.NewSchedulerCommand() },
	"kube-proxy":              proxy.NewProxyCommand,
	"kubelet":                 func() *cobra.Command { return kubelet.NewKubeletCommand(context.Background()) },
}

func main() {
	name := filepath.Base(os.Args[0])
	args := os.Args[1:]
	if !known(name) && len(args) > 0 && known(args[0]) {
		name, args = args[0], args[1:]
	}
	// Upstream mains read os.Args (kubectl's verbosity pre-scan, plugin
	// lookup), so present the arguments as if we were the component itself.
	os.Args = append([]string{name}, args...)
	if name == "kubectl" {
		runKubectl()
		return
	}
	newCommand, ok := servers[name]
	if !ok {
		fmt.Fprintf(os.Stderr, "usage: kubernetes <component> [flags], or run it through a symlink named after the component\ncomponents: %v\n", componentNames())
		os.Exit(2)
	}
	command := newCommand()
	command.SetArgs(args)
	os.Exit(cli.Run(command))
}

func runKubectl() {
	logs.GlogSetter(kubectlcmd.GetLogVerbosity(os.Args)) //nolint:errcheck
	command := kubectlcmd.NewDefaultKubectlCommand()
	if err := cli.RunNoErrOutput(command); err != nil {
		kubectlutil.CheckErr(err)
	}
}

func known(name string) bool {
	_, ok := servers[name]
	return ok || name == "kubectl"
}

func componentNames() []string {
	names := []string{"kubectl"}
	for n := range servers {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
