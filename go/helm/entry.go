// The HelmChart job entry: helm-controller's job pods run it (the image's
// entrypoint) with `install [helm flags]` or `delete`. It keeps the contract
// of k3s-io/klipper-helm's entry script, written here in Go: the chart from
// chartContent, a repository (with /auth and CA files) or a URL; values from
// /config/*.yaml in lexical order; install or upgrade by the release's state
// and the failure policy; a stuck pending-* record marked failed; uninstall
// --wait on delete; a one-line summary in /dev/termination-log.
package main

import (
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	"helm.sh/helm/v4/pkg/action"
	"helm.sh/helm/v4/pkg/cli"
	"helm.sh/helm/v4/pkg/release/common"
	rv1 "helm.sh/helm/v4/pkg/release/v1"
	"helm.sh/helm/v4/pkg/storage/driver"
)

// Where helm-controller mounts the job's inputs. RFO_HELM_JOB_ROOT moves them
// all (tests run the entry outside a pod).
type jobPaths struct{ config, chart, auth, caFiles, tmp, termLog string }

func pathsFrom(root string) jobPaths {
	return jobPaths{
		config:  root + "/config",
		chart:   root + "/chart",
		auth:    root + "/auth",
		caFiles: root + "/ca-files",
		tmp:     root + "/tmp",
		termLog: root + "/dev/termination-log",
	}
}

func logf(format string, a ...any) { fmt.Fprintf(os.Stderr, "entry: "+format+"\n", a...) }

func runEntry(args []string) int {
	// helm must not be cut off half way through a release: the job's pod
	// may be deleted while it runs; the release record stays consistent.
	signal.Ignore(syscall.SIGINT, syscall.SIGTERM)
	p := pathsFrom(os.Getenv("RFO_HELM_JOB_ROOT"))
	summary, err := entry(args, p)
	mode := ""
	if len(args) > 0 {
		mode = args[0]
	}
	// The HelmChart's own namespace and name (the release is named after it).
	chartNs, chartName := os.Getenv("CHART_NAMESPACE"), os.Getenv("NAME")
	restCfg, _ := cli.New().RESTClientGetter().ToRESTConfig()
	if err != nil {
		logf("error: %v", err)
		writeTermLog(p, "Failed: "+err.Error())
		recordEvent(restCfg, chartNs, chartName, "Warning", eventReason(mode, true, ""), err.Error())
		return 1
	}
	logf("%s", summary)
	writeTermLog(p, summary)
	recordEvent(restCfg, chartNs, chartName, "Normal", eventReason(mode, false, summary), summary)
	return 0
}

func writeTermLog(p jobPaths, s string) {
	// Best effort: outside a pod there is no termination log.
	_ = os.WriteFile(p.termLog, []byte(s+"\n"), 0o644)
}

func entry(args []string, p jobPaths) (string, error) {
	if len(args) == 0 {
		return "", errors.New("no command: the entry takes install or delete")
	}
	mode, userArgs := args[0], args[1:]
	e, err := readJobEnv(os.Getenv)
	if err != nil {
		return "", err
	}
	cfg, err := releaseStore(e)
	if err != nil {
		return "", err
	}
	state, err := readRelease(cfg, e.Name)
	if err != nil {
		return "", err
	}
	logf("release %s in %s: %s", e.Name, e.TargetNamespace, describe(state))

	var chart chartSource
	var values []string
	if mode == "install" {
		if chart, err = prepareChart(e, p); err != nil {
			return "", err
		}
		names, _ := readDirNames(p.config)
		values = valuesFiles(p.config, names)
	}
	plan := planJob(mode, userArgs, e, state, chart, values)
	if plan.Fail != "" {
		return "", errors.New(plan.Fail)
	}
	if plan.Done != "" {
		return plan.Done, nil
	}
	if plan.MarkFailed {
		if err := markFailed(cfg, e.Name, state); err != nil {
			return "", err
		}
	}
	for _, s := range plan.Steps {
		logf("%s: helm %s", s.Why, strings.Join(redact(s.Args), " "))
		if err := runHelmCmd(s.Args); err != nil {
			return "", fmt.Errorf("helm %s: %w", s.Args[0], err)
		}
	}
	return plan.Summary, nil
}

func describe(s releaseState) string {
	if !s.Exists {
		return "not installed"
	}
	return fmt.Sprintf("revision %d, %s", s.Revision, s.Status)
}

// redact hides what follows --password in the log.
func redact(args []string) []string {
	out := append([]string{}, args...)
	for i := range out {
		if i > 0 && out[i-1] == "--password" {
			out[i] = "***"
		}
	}
	return out
}

func readDirNames(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, d := range entries {
		if !d.IsDir() {
			names = append(names, d.Name())
		}
	}
	return names, nil
}

// runHelmCmd runs this same binary as helm (argv[0] "helm"), output passed
// through; a failure carries helm's own last error line, so the event and
// the termination log say why (not just "exit status 1").
func runHelmCmd(args []string) error { return runHelmCmdInput(args, "") }

// runHelmCmdInput is runHelmCmd with stdin (a password for --password-stdin).
func runHelmCmdInput(args []string, stdin string) error {
	self, err := os.Executable()
	if err != nil {
		return err
	}
	var tail tailBuffer
	cmd := exec.Command(self, args...)
	cmd.Args[0] = "helm"
	if stdin != "" {
		cmd.Stdin = strings.NewReader(stdin)
	}
	cmd.Stdout = os.Stdout
	cmd.Stderr = io.MultiWriter(os.Stderr, &tail)
	if err := cmd.Run(); err != nil {
		if line := lastErrorLine(tail.String()); line != "" {
			return fmt.Errorf("%w: %s", err, line)
		}
		return err
	}
	return nil
}

// tailBuffer keeps the last 4 KiB written to it.
type tailBuffer struct{ b []byte }

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.b = append(t.b, p...)
	if len(t.b) > 4096 {
		t.b = t.b[len(t.b)-4096:]
	}
	return len(p), nil
}

func (t *tailBuffer) String() string { return string(t.b) }

func releaseStore(e jobEnv) (*action.Configuration, error) {
	settings := cli.New()
	cfg := action.NewConfiguration(action.ConfigurationSetLogger(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
	if err := cfg.Init(settings.RESTClientGetter(), e.TargetNamespace, e.HelmDriver); err != nil {
		return nil, fmt.Errorf("release storage (%s driver): %w", e.HelmDriver, err)
	}
	return cfg, nil
}

func readRelease(cfg *action.Configuration, name string) (releaseState, error) {
	r, err := cfg.Releases.Last(name)
	if errors.Is(err, driver.ErrReleaseNotFound) {
		return releaseState{}, nil
	}
	if err != nil {
		return releaseState{}, fmt.Errorf("reading release %s: %w", name, err)
	}
	rel, ok := r.(*rv1.Release)
	if !ok || rel.Info == nil {
		return releaseState{}, fmt.Errorf("release %s: a record this helm cannot read", name)
	}
	return releaseState{Exists: true, Status: string(rel.Info.Status), Revision: rel.Version, ApplyMethod: rel.ApplyMethod}, nil
}

// markFailed does what klipper-helm's set-status plugin does: a pending
// record left by a killed operation becomes failed, so helm acts again.
func markFailed(cfg *action.Configuration, name string, state releaseState) error {
	r, err := cfg.Releases.Get(name, state.Revision)
	if err != nil {
		return fmt.Errorf("reading release %s revision %d: %w", name, state.Revision, err)
	}
	rel, ok := r.(*rv1.Release)
	if !ok || rel.Info == nil {
		return fmt.Errorf("release %s: a record this helm cannot read", name)
	}
	logf("release %s revision %d was left %s; marking it failed", name, rel.Version, rel.Info.Status)
	rel.Info.Status = common.StatusFailed
	rel.Info.Description = "marked failed by the HelmChart job: it was left " + state.Status
	return cfg.Releases.Update(rel)
}

// prepareChart finds the chart: chartContent in /chart, a repository (added
// with its credentials and CA), or CHART as given (a URL or an OCI reference).
func prepareChart(e jobEnv, p jobPaths) (chartSource, error) {
	src := chartSource{Ref: e.Chart}
	caFile, err := combineCAFiles(p)
	if err != nil {
		return src, err
	}
	src.CAFile = caFile
	auth := readAuth(p)

	content := filepath.Join(p.chart, e.Name+".tgz.base64")
	if b, err := os.ReadFile(content); err == nil {
		tgz, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(b)))
		if err != nil {
			return src, fmt.Errorf("chartContent of %s is not valid base64: %w", e.Name, err)
		}
		if len(tgz) < 2 || tgz[0] != 0x1f || tgz[1] != 0x8b {
			return src, fmt.Errorf("chartContent of %s is not a gzipped chart archive (.tgz)", e.Name)
		}
		file := filepath.Join(p.tmp, e.Name+".tgz")
		if err := os.WriteFile(file, tgz, 0o600); err != nil {
			return src, err
		}
		return chartSource{Ref: file, Local: true}, nil
	}
	if e.Chart == "" {
		return src, fmt.Errorf("HelmChart %s names no chart: set spec.chart (with spec.repo) or spec.chartContent", e.Name)
	}
	if e.Repo != "" {
		add := []string{"repo", "add", repoAlias(e), e.Repo, "--force-update"}
		add = append(add, auth.certFlags...)
		if auth.basic {
			// The password goes in on stdin, not into the command line (ps shows that).
			add = append(add, "--username", auth.user, "--password-stdin")
		}
		if caFile != "" {
			add = append(add, "--ca-file", caFile)
		}
		if e.InsecureSkipTLS {
			add = append(add, "--insecure-skip-tls-verify")
		}
		if e.AuthPassCreds {
			add = append(add, "--pass-credentials")
		}
		logf("adding chart repository %s %s", repoAlias(e), e.Repo)
		if err := runHelmCmdInput(add, auth.password); err != nil {
			return src, fmt.Errorf("helm repo add %s: %w", e.Repo, err)
		}
		return src, nil
	}
	// A chart URL or OCI reference: install and upgrade take the credentials as flags only.
	src.AuthFlags = auth.certFlags
	if auth.basic {
		src.AuthFlags = append(src.AuthFlags, "--username", auth.user, "--password", auth.password)
	}
	return src, nil
}

// jobAuth is the authSecret mounted at /auth: basic auth and/or a client certificate.
type jobAuth struct {
	basic          bool
	user, password string
	certFlags      []string
}

func readAuth(p jobPaths) jobAuth {
	var a jobAuth
	user, uerr := os.ReadFile(filepath.Join(p.auth, "username"))
	pass, perr := os.ReadFile(filepath.Join(p.auth, "password"))
	if uerr == nil && perr == nil {
		a.basic, a.user, a.password = true, strings.TrimSpace(string(user)), strings.TrimSpace(string(pass))
	}
	crt, key := filepath.Join(p.auth, "tls.crt"), filepath.Join(p.auth, "tls.key")
	if fileExists(crt) && fileExists(key) {
		a.certFlags = []string{"--cert-file", crt, "--key-file", key}
	}
	return a
}

func fileExists(path string) bool {
	st, err := os.Stat(path)
	return err == nil && !st.IsDir()
}

// combineCAFiles joins repoCA (/config/ca-file.pem) and repoCAConfigMap
// (/ca-files/*) into one bundle for --ca-file; "" when there is none.
func combineCAFiles(p jobPaths) (string, error) {
	var bundle []byte
	if b, err := os.ReadFile(filepath.Join(p.config, "ca-file.pem")); err == nil {
		bundle = append(bundle, b...)
		bundle = append(bundle, '\n')
	}
	names, _ := readDirNames(p.caFiles)
	for _, n := range names {
		if b, err := os.ReadFile(filepath.Join(p.caFiles, n)); err == nil {
			bundle = append(bundle, b...)
			bundle = append(bundle, '\n')
		}
	}
	if len(bundle) == 0 {
		return "", nil
	}
	file := filepath.Join(p.tmp, "ca-file.pem")
	if err := os.WriteFile(file, bundle, 0o600); err != nil {
		return "", err
	}
	return file, nil
}
