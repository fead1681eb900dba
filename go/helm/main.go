// The helm binary rfo ships: Helm's own root command, exactly as upstream's
// cmd/helm runs it, plus the HelmChart job entry (entry.go) when it is called
// as `entry`, the job image's entrypoint. One binary serves both so the job
// image and bin/helm are the same Helm, and the entry can run helm commands
// (by re-executing itself) and read release records (through Helm's storage
// library) without a shell, jq or plugins in the image.
package main

import (
	"errors"
	"log/slog"
	"os"
	"path/filepath"

	// Client auth plugins, as upstream's cmd/helm imports them.
	_ "k8s.io/client-go/plugin/pkg/client/auth"

	helmcmd "helm.sh/helm/v4/pkg/cmd"
	"helm.sh/helm/v4/pkg/kube"
)

func main() {
	if filepath.Base(os.Args[0]) == "entry" {
		os.Exit(runEntry(os.Args[1:]))
	}
	os.Exit(runHelm(os.Args[1:]))
}

// runHelm is upstream's cmd/helm main.
func runHelm(args []string) int {
	// The field manager name in managedFields stays "helm" whatever the binary is called.
	kube.ManagedFieldsManager = "helm"
	cmd, err := helmcmd.NewRootCmd(os.Stdout, args, helmcmd.SetupLogging)
	if err != nil {
		slog.Warn("command failed", slog.Any("error", err))
		return 1
	}
	if err := cmd.Execute(); err != nil {
		if cerr, ok := errors.AsType[helmcmd.CommandError](err); ok {
			return cerr.ExitCode
		}
		return 1
	}
	return 0
}
