// Pure part of the HelmChart job entry: what the job was asked to do (the
// environment and arguments helm-controller gives its job pods, the contract
// of k3s-io/klipper-helm's entry script) and which helm commands that means
// for a release in a given state. entry.go does the I/O.
package main

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// jobEnv is what helm-controller puts in the job pod's environment.
type jobEnv struct {
	Name             string // release name
	Chart            string // <repo alias>/<chart>, an https URL, oci://..., or empty with chartContent
	Version          string
	Repo             string
	TargetNamespace  string
	HelmDriver       string // secret | configmap
	FailurePolicy    string // abort | reinstall | retry
	ServerSide       string // true | false | auto
	ForceConflicts   bool
	AuthPassCreds    bool
	InsecureSkipTLS  bool
	PlainHTTP        bool
	Timeout          string // a Go duration, passed to --timeout
	ExpectedRevision int    // 0: no expectation
	ConfigHash       string
	APIServer        string // KUBERNETES_SERVICE_HOST:PORT, for %{KUBERNETES_API}%
}

type envError struct{ msg string }

func (e envError) Error() string { return e.msg }

func parseBool(name, v string) (bool, error) {
	switch strings.ToLower(v) {
	case "", "false":
		return false, nil
	case "true":
		return true, nil
	}
	return false, envError{fmt.Sprintf("%s must be true or false, not %q", name, v)}
}

// oneOf checks a setting against its allowed values; empty means the first (the default).
func oneOf(name, what, value string, allowed ...string) (string, error) {
	if value == "" {
		return allowed[0], nil
	}
	for _, a := range allowed {
		if value == a {
			return value, nil
		}
	}
	return "", envError{fmt.Sprintf("%s %q is not a %s (one of %s)", name, value, what, strings.Join(allowed, ", "))}
}

// readJobEnv validates the environment; every error names the variable.
func readJobEnv(getenv func(string) string) (jobEnv, error) {
	e := jobEnv{
		Name:            getenv("NAME"),
		Chart:           getenv("CHART"),
		Version:         getenv("VERSION"),
		Repo:            getenv("REPO"),
		TargetNamespace: getenv("TARGET_NAMESPACE"),
		HelmDriver:      getenv("HELM_DRIVER"),
		FailurePolicy:   getenv("FAILURE_POLICY"),
		ServerSide:      strings.ToLower(getenv("SERVER_SIDE")),
		Timeout:         getenv("TIMEOUT"),
		ConfigHash:      getenv("CONFIG_HASH"),
	}
	if e.Name == "" {
		return e, envError{"NAME is empty: the job must name its release"}
	}
	if e.TargetNamespace == "" {
		e.TargetNamespace = getenv("CHART_NAMESPACE")
	}
	if e.TargetNamespace == "" {
		e.TargetNamespace = "default"
	}
	var err error
	if e.HelmDriver, err = oneOf("HELM_DRIVER", "release storage driver", e.HelmDriver, "secret", "secrets", "configmap", "configmaps"); err != nil {
		return e, err
	}
	if e.FailurePolicy, err = oneOf("failurePolicy", "failure policy", e.FailurePolicy, "reinstall", "abort", "retry"); err != nil {
		return e, err
	}
	if e.ServerSide, err = oneOf("serverSide", "server-side apply mode", e.ServerSide, "auto", "true", "false"); err != nil {
		return e, err
	}
	if e.ForceConflicts, err = parseBool("FORCE_CONFLICTS", getenv("FORCE_CONFLICTS")); err != nil {
		return e, err
	}
	if e.AuthPassCreds, err = parseBool("AUTH_PASS_CREDENTIALS", getenv("AUTH_PASS_CREDENTIALS")); err != nil {
		return e, err
	}
	if e.InsecureSkipTLS, err = parseBool("INSECURE_SKIP_TLS_VERIFY", getenv("INSECURE_SKIP_TLS_VERIFY")); err != nil {
		return e, err
	}
	if e.PlainHTTP, err = parseBool("PLAIN_HTTP", getenv("PLAIN_HTTP")); err != nil {
		return e, err
	}
	if v := getenv("EXPECTED_RELEASE_REVISION"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return e, envError{fmt.Sprintf("EXPECTED_RELEASE_REVISION %q is not a revision number", v)}
		}
		e.ExpectedRevision = n
	}
	if host := getenv("KUBERNETES_SERVICE_HOST"); host != "" {
		if strings.Contains(host, ":") {
			host = "[" + host + "]"
		}
		port := getenv("KUBERNETES_SERVICE_PORT")
		if port == "" {
			port = "443"
		}
		e.APIServer = host + ":" + port
	}
	e.Chart = strings.ReplaceAll(e.Chart, "%{KUBERNETES_API}%", e.APIServer)
	e.Repo = strings.ReplaceAll(e.Repo, "%{KUBERNETES_API}%", e.APIServer)
	return e, nil
}

// releaseState is the newest record of the release, as Helm's storage has it.
type releaseState struct {
	Exists      bool
	Status      string // deployed, failed, pending-install, ...
	Revision    int
	ApplyMethod string // ssa | csa | ""
}

// chartSource is where the chart comes from, after the entry fetched what it needs.
type chartSource struct {
	Ref       string   // what helm install/upgrade gets as CHART
	Local     bool     // a file (chartContent): no --version
	AuthFlags []string // --username/--password/--cert-file... for URL and OCI charts
	CAFile    string   // combined repoCA + repoCAConfigMap, or ""
}

// helmStep is one helm invocation, and why.
type helmStep struct {
	Args []string
	Why  string
}

// jobPlan is everything the entry does for one run.
type jobPlan struct {
	MarkFailed bool   // first mark a stuck pending-*/uninstalling record failed
	Steps      []helmStep
	Done       string // nothing to run: why (exit 0)
	Fail       string // refuse: why (exit 1)
	Summary    string // what /dev/termination-log says on success
}

// valuesFiles orders the values files helm-controller mounts under /config
// (values-0-* from the HelmChart, values-1-* from the HelmChartConfig):
// lexical order, so later files win and the HelmChartConfig beats the HelmChart.
func valuesFiles(dir string, names []string) []string {
	var out []string
	for _, n := range names {
		if strings.HasSuffix(n, ".yaml") || strings.HasSuffix(n, ".yml") {
			out = append(out, dir+"/"+n)
		}
	}
	sort.Strings(out)
	return out
}

// withoutVersion drops --version V (and --version=V): a chart file has exactly one version.
func withoutVersion(args []string) []string {
	var out []string
	for i := 0; i < len(args); i++ {
		if args[i] == "--version" {
			i++
			continue
		}
		if strings.HasPrefix(args[i], "--version=") {
			continue
		}
		out = append(out, args[i])
	}
	return out
}

func planJob(mode string, userArgs []string, e jobEnv, state releaseState, chart chartSource, values []string) jobPlan {
	ns := []string{"--namespace", e.TargetNamespace}
	timeout := []string{}
	if e.Timeout != "" {
		timeout = []string{"--timeout", e.Timeout}
	}
	uninstall := helmStep{Args: append(append([]string{"uninstall", e.Name}, ns...), append([]string{"--wait"}, timeout...)...)}

	if mode == "delete" {
		if !state.Exists {
			return jobPlan{Done: fmt.Sprintf("release %s is not installed in %s; nothing to uninstall", e.Name, e.TargetNamespace)}
		}
		uninstall.Why = "the HelmChart was deleted"
		return jobPlan{Steps: []helmStep{uninstall}, Summary: fmt.Sprintf("Uninstalled release %s from %s", e.Name, e.TargetNamespace)}
	}
	if mode != "install" {
		return jobPlan{Fail: fmt.Sprintf("unknown job command %q: the entry takes install or delete", mode)}
	}
	if e.ExpectedRevision > 0 && state.Exists && state.Revision != e.ExpectedRevision {
		return jobPlan{Done: fmt.Sprintf("release %s is at revision %d, not the expected %d: it was changed after this job was made; nothing to do", e.Name, state.Revision, e.ExpectedRevision)}
	}

	args := userArgs
	if chart.Local {
		args = withoutVersion(args)
	}
	common := append([]string{}, args...)
	if !containsFlag(common, "--namespace") {
		common = append(common, ns...)
	}
	for _, v := range values {
		common = append(common, "--values", v)
	}
	common = append(common, timeout...)
	if e.ConfigHash != "" {
		common = append(common, "--labels", "helmcharts.helm.cattle.io/configHash="+e.ConfigHash)
	}
	common = append(common, chart.AuthFlags...)
	if chart.CAFile != "" && !chart.Local {
		common = append(common, "--ca-file", chart.CAFile)
	}
	if e.InsecureSkipTLS {
		common = append(common, "--insecure-skip-tls-verify")
	}
	if e.PlainHTTP {
		common = append(common, "--plain-http")
	}
	if e.AuthPassCreds {
		common = append(common, "--pass-credentials")
	}
	install := func(why string) helmStep {
		ssa := e.ServerSide != "false"
		a := append([]string{"install", e.Name, chart.Ref}, common...)
		a = append(a, "--server-side="+strconv.FormatBool(ssa))
		if ssa && e.ForceConflicts {
			a = append(a, "--force-conflicts")
		}
		return helmStep{Args: a, Why: why}
	}
	upgrade := func(why string) helmStep {
		a := append([]string{"upgrade", e.Name, chart.Ref}, common...)
		a = append(a, "--server-side="+e.ServerSide)
		ssa := e.ServerSide == "true" || (e.ServerSide == "auto" && state.ApplyMethod != "csa")
		if ssa && e.ForceConflicts {
			a = append(a, "--force-conflicts")
		}
		return helmStep{Args: a, Why: why}
	}
	installed := fmt.Sprintf("Installed release %s in %s", e.Name, e.TargetNamespace)
	upgraded := fmt.Sprintf("Upgraded release %s in %s", e.Name, e.TargetNamespace)

	onFailed := func(p jobPlan, status string) jobPlan {
		switch e.FailurePolicy {
		case "abort":
			p.Fail = fmt.Sprintf("release %s is %s and failurePolicy is abort: fix the cause, then roll back or uninstall it with helm, or set failurePolicy reinstall or retry", e.Name, status)
		case "retry":
			p.Steps = append(p.Steps, upgrade(fmt.Sprintf("release is %s; failurePolicy retry: upgrade again", status)))
			p.Summary = upgraded
		default:
			u := uninstall
			u.Why = fmt.Sprintf("release is %s; failurePolicy reinstall: uninstall first", status)
			p.Steps = append(p.Steps, u, install("failurePolicy reinstall: install again"))
			p.Summary = installed
		}
		return p
	}

	switch {
	case !state.Exists:
		return jobPlan{Steps: []helmStep{install("no release yet")}, Summary: installed}
	case state.Status == "deployed":
		return jobPlan{Steps: []helmStep{upgrade("release is deployed")}, Summary: upgraded}
	case state.Status == "pending-upgrade" || state.Status == "pending-rollback" || state.Status == "superseded":
		// A job killed mid-upgrade leaves the record pending and helm refuses
		// every later operation ("another operation is in progress").
		return jobPlan{MarkFailed: true, Steps: []helmStep{upgrade("release was stuck in " + state.Status + "; marked failed, upgrading")}, Summary: upgraded}
	case state.Status == "pending-install" || state.Status == "uninstalling":
		return onFailed(jobPlan{MarkFailed: true}, state.Status+" (marked failed)")
	default: // failed, uninstalled, unknown
		return onFailed(jobPlan{}, state.Status)
	}
}

func containsFlag(args []string, flag string) bool {
	for _, a := range args {
		if a == flag || strings.HasPrefix(a, flag+"=") {
			return true
		}
	}
	return false
}

// repoAlias is the name `helm repo add` gets: CHART is <alias>/<chart> when REPO is set.
func repoAlias(e jobEnv) string {
	if i := strings.Index(e.Chart, "/"); i > 0 {
		return e.Chart[:i]
	}
	return e.Name
}

// lastErrorLine picks helm's error out of its stderr: the last line that
// starts with "Error:" (helm's own format), else the last non-empty line.
func lastErrorLine(stderr string) string {
	lines := strings.Split(strings.TrimSpace(stderr), "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		if l := strings.TrimSpace(lines[i]); strings.HasPrefix(l, "Error:") {
			return strings.TrimSpace(strings.TrimPrefix(l, "Error:"))
		}
	}
	if len(lines) > 0 {
		return strings.TrimSpace(lines[len(lines)-1])
	}
	return ""
}
