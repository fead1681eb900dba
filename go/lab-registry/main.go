// lab-registry: the OCI registry a test lab pulls from, for specs that need a
// registry (the conformance suite's ImageVolume spec pulls with policy
// Always, which pre-imported images cannot serve). It serves
// go-containerregistry's registry (pkg/registry, blobs on disk) and loads an
// OCI image layout into it: every image the layout's index names with
// io.containerd.image.name is pushed under the same repository and tag, with
// the registry host replaced by this registry's address. Nodes reach it
// through registries.yaml mirrors (rfo's private-registry). Test tooling
// only: it is never part of a node's runtime.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// version is set by the build (-X main.version=...).
var version = "dev"

const nameAnnotation = "io.containerd.image.name"

func main() {
	address := flag.String("address", "127.0.0.1:5000", "host:port to listen on")
	blobs := flag.String("blob-dir", "", "directory for blobs (required)")
	layoutDir := flag.String("layout", "", "OCI image layout whose named images are pushed at start")
	showVersion := flag.Bool("version", false, "print the version and exit")
	flag.Parse()
	if *showVersion {
		fmt.Printf("lab-registry go-containerregistry %s\n", version)
		return
	}
	if *blobs == "" {
		log.Fatal("--blob-dir is required")
	}
	if err := os.MkdirAll(*blobs, 0o755); err != nil {
		log.Fatal(err)
	}
	listener, err := net.Listen("tcp", *address)
	if err != nil {
		log.Fatal(err)
	}
	server := &http.Server{Handler: registry.New(registry.WithBlobHandler(registry.NewDiskBlobHandler(*blobs))), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := server.Serve(listener); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Fatal(err)
		}
	}()
	if *layoutDir != "" {
		n, err := pushLayout(*layoutDir, listener.Addr().String())
		if err != nil {
			log.Fatalf("loading %s: %v", *layoutDir, err)
		}
		log.Printf("pushed %d images from %s", n, *layoutDir)
	}
	// The parent waits for this line before it points nodes here.
	fmt.Printf("ready %s\n", listener.Addr().String())
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
	<-stop
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = server.Shutdown(ctx)
}

// retarget keeps an image name's repository and tag and puts it on host.
func retarget(ref string, host string) (name.Tag, error) {
	parsed, err := name.NewTag(ref)
	if err != nil {
		return name.Tag{}, err
	}
	return name.NewTag(fmt.Sprintf("%s/%s:%s", host, parsed.RepositoryStr(), parsed.TagStr()), name.Insecure)
}

func pushLayout(dir string, host string) (int, error) {
	path, err := layout.FromPath(dir)
	if err != nil {
		return 0, err
	}
	index, err := path.ImageIndex()
	if err != nil {
		return 0, err
	}
	manifest, err := index.IndexManifest()
	if err != nil {
		return 0, err
	}
	todo := map[name.Reference]remote.Taggable{}
	for _, d := range manifest.Manifests {
		ref := d.Annotations[nameAnnotation]
		if ref == "" {
			continue
		}
		tag, err := retarget(ref, host)
		if err != nil {
			return 0, fmt.Errorf("%s: %w", ref, err)
		}
		item, err := load(index, d)
		if err != nil {
			return 0, fmt.Errorf("%s: %w", ref, err)
		}
		todo[tag] = item
	}
	if len(todo) == 0 {
		return 0, fmt.Errorf("no image in %s has the %s annotation", dir, nameAnnotation)
	}
	return len(todo), remote.MultiWrite(todo)
}

func load(index v1.ImageIndex, d v1.Descriptor) (remote.Taggable, error) {
	switch {
	case d.MediaType.IsIndex():
		return index.ImageIndex(d.Digest)
	case d.MediaType.IsImage():
		return index.Image(d.Digest)
	default:
		return nil, fmt.Errorf("unsupported media type %s", strings.TrimSpace(string(d.MediaType)))
	}
}
