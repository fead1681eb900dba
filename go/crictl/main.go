// Command crictl is rfo's own small CRI client. The upstream crictl
// (sigs.k8s.io/cri-tools) is not served by the Go module proxy rfo builds
// from, so this covers the everyday subset against the CRI API directly:
// version, info, ps, pods, images, inspect, inspectp, logs. Output follows
// crictl's table layout so habits and scripts carry over.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	runtimeapi "k8s.io/cri-api/pkg/apis/runtime/v1"
	"sigs.k8s.io/yaml"
)

// version is stamped at build time (-X main.version).
var version = "unknown"

const usage = `usage: crictl [--runtime-endpoint unix:///path] <command> [args]

commands:
  version           runtime name and version
  info              runtime status and conditions (JSON)
  ps [-a]           containers (running; -a for all)
  pods              pod sandboxes
  images            images
  inspect ID        container status (JSON)
  inspectp ID       pod sandbox status (JSON)
  logs ID           the container's log file

The endpoint comes from --runtime-endpoint, $CONTAINER_RUNTIME_ENDPOINT,
runtime-endpoint in $CRI_CONFIG_FILE (default /var/lib/rancher/rfo/agent/etc/crictl.yaml),
else unix:///run/rfo/containerd/containerd.sock.
`

func endpoint(args []string) (string, []string) {
	for i := 0; i < len(args); i++ {
		if args[i] == "--runtime-endpoint" || args[i] == "-r" {
			if i+1 < len(args) {
				return args[i+1], append(append([]string{}, args[:i]...), args[i+2:]...)
			}
		}
		if strings.HasPrefix(args[i], "--runtime-endpoint=") {
			return strings.TrimPrefix(args[i], "--runtime-endpoint="), append(append([]string{}, args[:i]...), args[i+1:]...)
		}
	}
	if e := os.Getenv("CONTAINER_RUNTIME_ENDPOINT"); e != "" {
		return e, args
	}
	file := os.Getenv("CRI_CONFIG_FILE")
	if file == "" {
		file = "/var/lib/rancher/rfo/agent/etc/crictl.yaml"
	}
	if data, err := os.ReadFile(file); err == nil {
		var cfg struct {
			RuntimeEndpoint string `json:"runtime-endpoint"`
		}
		if yaml.Unmarshal(data, &cfg) == nil && cfg.RuntimeEndpoint != "" {
			return cfg.RuntimeEndpoint, args
		}
	}
	return "unix:///run/rfo/containerd/containerd.sock", args
}

func fail(format string, a ...any) {
	fmt.Fprintf(os.Stderr, "crictl: "+format+"\n", a...)
	os.Exit(1)
}

func printJSON(v any) {
	out, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		fail("%v", err)
	}
	fmt.Println(string(out))
}

func short(id string) string {
	if len(id) > 13 {
		return id[:13]
	}
	return id
}

func ago(ns int64) string {
	d := time.Since(time.Unix(0, ns)).Round(time.Second)
	return d.String() + " ago"
}

func main() {
	ep, args := endpoint(os.Args[1:])
	if len(args) > 0 && (args[0] == "--version" || args[0] == "-v") {
		fmt.Printf("crictl version %s (rfo; CRI API k8s.io/cri-api %s)\n", version, version)
		return
	}
	if len(args) == 0 || args[0] == "help" || args[0] == "--help" || args[0] == "-h" {
		fmt.Print(usage)
		return
	}
	conn, err := grpc.NewClient("passthrough:///"+strings.TrimPrefix(ep, "unix://"),
		grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithContextDialer(func(ctx context.Context, addr string) (netConn, error) { return dialUnix(ctx, addr) }))
	if err != nil {
		fail("connecting to %s: %v", ep, err)
	}
	defer conn.Close()
	rt := runtimeapi.NewRuntimeServiceClient(conn)
	img := runtimeapi.NewImageServiceClient(conn)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	w := tabwriter.NewWriter(os.Stdout, 0, 8, 3, ' ', 0)
	defer w.Flush()

	switch args[0] {
	case "version":
		v, err := rt.Version(ctx, &runtimeapi.VersionRequest{})
		if err != nil {
			fail("%s: %v", ep, err)
		}
		fmt.Fprintf(w, "Version:\t%s\nRuntimeName:\t%s\nRuntimeVersion:\t%s\nRuntimeApiVersion:\t%s\nClientVersion:\trfo crictl %s\n", v.Version, v.RuntimeName, v.RuntimeVersion, v.RuntimeApiVersion, version)
	case "info":
		s, err := rt.Status(ctx, &runtimeapi.StatusRequest{Verbose: true})
		if err != nil {
			fail("%s: %v", ep, err)
		}
		printJSON(s)
	case "ps":
		var filter *runtimeapi.ContainerFilter
		if len(args) < 2 || args[1] != "-a" {
			filter = &runtimeapi.ContainerFilter{State: &runtimeapi.ContainerStateValue{State: runtimeapi.ContainerState_CONTAINER_RUNNING}}
		}
		r, err := rt.ListContainers(ctx, &runtimeapi.ListContainersRequest{Filter: filter})
		if err != nil {
			fail("%s: %v", ep, err)
		}
		sort.Slice(r.Containers, func(i, j int) bool { return r.Containers[i].CreatedAt > r.Containers[j].CreatedAt })
		fmt.Fprintln(w, "CONTAINER\tIMAGE\tCREATED\tSTATE\tNAME\tATTEMPT\tPOD ID\tPOD")
		for _, c := range r.Containers {
			fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%d\t%s\t%s\n", short(c.Id), short(c.ImageRef), ago(c.CreatedAt), strings.TrimPrefix(c.State.String(), "CONTAINER_"), c.Metadata.GetName(), c.Metadata.GetAttempt(), short(c.PodSandboxId), c.Labels["io.kubernetes.pod.name"])
		}
	case "pods":
		r, err := rt.ListPodSandbox(ctx, &runtimeapi.ListPodSandboxRequest{})
		if err != nil {
			fail("%s: %v", ep, err)
		}
		fmt.Fprintln(w, "POD ID\tCREATED\tSTATE\tNAME\tNAMESPACE\tATTEMPT")
		for _, p := range r.Items {
			fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%d\n", short(p.Id), ago(p.CreatedAt), strings.TrimPrefix(p.State.String(), "SANDBOX_"), p.Metadata.GetName(), p.Metadata.GetNamespace(), p.Metadata.GetAttempt())
		}
	case "images":
		r, err := img.ListImages(ctx, &runtimeapi.ListImagesRequest{})
		if err != nil {
			fail("%s: %v", ep, err)
		}
		fmt.Fprintln(w, "IMAGE\tTAG\tIMAGE ID\tSIZE")
		for _, i := range r.Images {
			for _, tag := range i.RepoTags {
				at := strings.LastIndex(tag, ":")
				fmt.Fprintf(w, "%s\t%s\t%s\t%.1fMB\n", tag[:at], tag[at+1:], short(strings.TrimPrefix(i.Id, "sha256:")), float64(i.Size)/1e6)
			}
		}
	case "inspect", "inspectp", "logs":
		if len(args) < 2 {
			fail("%s needs an ID", args[0])
		}
		switch args[0] {
		case "inspectp":
			s, err := rt.PodSandboxStatus(ctx, &runtimeapi.PodSandboxStatusRequest{PodSandboxId: args[1], Verbose: true})
			if err != nil {
				fail("%v", err)
			}
			printJSON(s)
		default:
			s, err := rt.ContainerStatus(ctx, &runtimeapi.ContainerStatusRequest{ContainerId: args[1], Verbose: true})
			if err != nil {
				fail("%v", err)
			}
			if args[0] == "inspect" {
				printJSON(s)
				return
			}
			data, err := os.ReadFile(s.Status.LogPath)
			if err != nil {
				fail("%v", err)
			}
			// CRI log lines: "<time> <stream> <P|F> <text>"; print the text.
			for _, line := range strings.Split(strings.TrimRight(string(data), "\n"), "\n") {
				if parts := strings.SplitN(line, " ", 4); len(parts) == 4 {
					fmt.Println(parts[3])
				}
			}
		}
	default:
		fail("unknown command %q\n%s", args[0], usage)
	}
}
