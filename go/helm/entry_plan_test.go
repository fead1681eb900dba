package main

import (
	"strings"
	"testing"
)

func env(kv map[string]string) func(string) string {
	return func(k string) string { return kv[k] }
}

func mustEnv(t *testing.T, kv map[string]string) jobEnv {
	t.Helper()
	e, err := readJobEnv(env(kv))
	if err != nil {
		t.Fatalf("readJobEnv: %v", err)
	}
	return e
}

func joined(p jobPlan) []string {
	var out []string
	for _, s := range p.Steps {
		out = append(out, strings.Join(s.Args, " "))
	}
	return out
}

func TestReadJobEnvDefaultsAndSubstitution(t *testing.T) {
	e := mustEnv(t, map[string]string{
		"NAME": "web", "CHART": "https://%{KUBERNETES_API}%/static/charts/web.tgz", "CHART_NAMESPACE": "kube-system",
		"KUBERNETES_SERVICE_HOST": "fd00::1", "KUBERNETES_SERVICE_PORT": "6443",
	})
	if e.Chart != "https://[fd00::1]:6443/static/charts/web.tgz" {
		t.Errorf("chart %q", e.Chart)
	}
	if e.TargetNamespace != "kube-system" || e.FailurePolicy != "reinstall" || e.ServerSide != "auto" || e.HelmDriver != "secret" {
		t.Errorf("defaults: %+v", e)
	}
}

func TestReadJobEnvRejectsBadValues(t *testing.T) {
	for _, c := range []struct{ key, value, want string }{
		{"FAILURE_POLICY", "explode", "failurePolicy \"explode\""},
		{"SERVER_SIDE", "maybe", "serverSide \"maybe\""},
		{"HELM_DRIVER", "sql", "HELM_DRIVER \"sql\""},
		{"FORCE_CONFLICTS", "yes", "FORCE_CONFLICTS"},
		{"EXPECTED_RELEASE_REVISION", "x", "EXPECTED_RELEASE_REVISION"},
		{"NAME", "", "NAME is empty"},
	} {
		kv := map[string]string{"NAME": "web", c.key: c.value}
		_, err := readJobEnv(env(kv))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s=%q: got %v, want an error with %q", c.key, c.value, err, c.want)
		}
	}
}

func TestValuesFilesInLexicalOrder(t *testing.T) {
	got := valuesFiles("/config", []string{"values-1-000-HelmChartConfig-ValuesContent.yaml", "ca-file.pem", "values-0-001-HelmChart-Values.yaml", "values-0-000-HelmChart-ValuesContent.yaml"})
	want := []string{"/config/values-0-000-HelmChart-ValuesContent.yaml", "/config/values-0-001-HelmChart-Values.yaml", "/config/values-1-000-HelmChartConfig-ValuesContent.yaml"}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("got %v", got)
	}
}

var chartFile = chartSource{Ref: "/tmp/web.tgz", Local: true}

func TestNoReleaseInstallsWithValuesHashAndSSA(t *testing.T) {
	e := mustEnv(t, map[string]string{"NAME": "web", "TARGET_NAMESPACE": "apps", "CONFIG_HASH": "SHA256=AB", "FORCE_CONFLICTS": "true", "TIMEOUT": "5m0s"})
	p := planJob("install", []string{"--namespace", "apps", "--version", "1.0.0", "--set-string", "a=b"}, e, releaseState{}, chartFile, []string{"/config/values-0-000.yaml"})
	got := joined(p)
	want := "install web /tmp/web.tgz --namespace apps --set-string a=b --values /config/values-0-000.yaml --timeout 5m0s --labels helmcharts.helm.cattle.io/configHash=SHA256=AB --server-side=true --force-conflicts"
	if len(got) != 1 || got[0] != want {
		t.Errorf("got %q\nwant %q", got, want)
	}
}

func TestDeployedUpgrades(t *testing.T) {
	e := mustEnv(t, map[string]string{"NAME": "web", "FORCE_CONFLICTS": "true"})
	repo := chartSource{Ref: "stable/web", CAFile: "/tmp/ca-file.pem"}
	p := planJob("install", []string{"--version", "2.0.0"}, e, releaseState{Exists: true, Status: "deployed", Revision: 3, ApplyMethod: "ssa"}, repo, nil)
	got := joined(p)
	if len(got) != 1 || !strings.HasPrefix(got[0], "upgrade web stable/web --version 2.0.0 --namespace default") || !strings.HasSuffix(got[0], "--ca-file /tmp/ca-file.pem --server-side=auto --force-conflicts") {
		t.Errorf("got %q", got)
	}
	// a release installed with client-side apply: auto keeps it, so no --force-conflicts
	csa := joined(planJob("install", nil, e, releaseState{Exists: true, Status: "deployed", Revision: 3, ApplyMethod: "csa"}, repo, nil))
	if strings.Contains(csa[0], "--force-conflicts") {
		t.Errorf("force-conflicts without SSA: %q", csa)
	}
}

func TestFailedReleaseFollowsTheFailurePolicy(t *testing.T) {
	failed := releaseState{Exists: true, Status: "failed", Revision: 2}
	abort := planJob("install", nil, mustEnv(t, map[string]string{"NAME": "web", "FAILURE_POLICY": "abort"}), failed, chartFile, nil)
	if abort.Fail == "" || len(abort.Steps) != 0 || !strings.Contains(abort.Fail, "failurePolicy is abort") {
		t.Errorf("abort: %+v", abort)
	}
	reinstall := joined(planJob("install", nil, mustEnv(t, map[string]string{"NAME": "web"}), failed, chartFile, nil))
	if len(reinstall) != 2 || reinstall[0] != "uninstall web --namespace default --wait" || !strings.HasPrefix(reinstall[1], "install web /tmp/web.tgz") {
		t.Errorf("reinstall: %q", reinstall)
	}
	retry := joined(planJob("install", nil, mustEnv(t, map[string]string{"NAME": "web", "FAILURE_POLICY": "retry"}), failed, chartFile, nil))
	if len(retry) != 1 || !strings.HasPrefix(retry[0], "upgrade web") {
		t.Errorf("retry: %q", retry)
	}
}

func TestStuckPendingRecordsAreMarkedFailed(t *testing.T) {
	e := mustEnv(t, map[string]string{"NAME": "web", "FAILURE_POLICY": "retry"})
	up := planJob("install", nil, e, releaseState{Exists: true, Status: "pending-upgrade", Revision: 4}, chartFile, nil)
	if !up.MarkFailed || len(up.Steps) != 1 || up.Steps[0].Args[0] != "upgrade" {
		t.Errorf("pending-upgrade: %+v", up)
	}
	in := planJob("install", nil, mustEnv(t, map[string]string{"NAME": "web", "FAILURE_POLICY": "abort"}), releaseState{Exists: true, Status: "pending-install", Revision: 1}, chartFile, nil)
	if !in.MarkFailed || in.Fail == "" {
		t.Errorf("pending-install under abort: marked failed, then refused: %+v", in)
	}
}

func TestExpectedRevisionGuardsAgainstRaces(t *testing.T) {
	e := mustEnv(t, map[string]string{"NAME": "web", "EXPECTED_RELEASE_REVISION": "3"})
	p := planJob("install", nil, e, releaseState{Exists: true, Status: "deployed", Revision: 4}, chartFile, nil)
	if p.Done == "" || len(p.Steps) != 0 {
		t.Errorf("got %+v", p)
	}
	same := planJob("install", nil, e, releaseState{Exists: true, Status: "deployed", Revision: 3}, chartFile, nil)
	if len(same.Steps) != 1 {
		t.Errorf("same revision: %+v", same)
	}
}

func TestDelete(t *testing.T) {
	e := mustEnv(t, map[string]string{"NAME": "web", "TARGET_NAMESPACE": "apps", "TIMEOUT": "1m"})
	if got := joined(planJob("delete", nil, e, releaseState{Exists: true, Status: "deployed", Revision: 1}, chartSource{}, nil)); len(got) != 1 || got[0] != "uninstall web --namespace apps --wait --timeout 1m" {
		t.Errorf("got %q", got)
	}
	if p := planJob("delete", nil, e, releaseState{}, chartSource{}, nil); p.Done == "" || len(p.Steps) != 0 {
		t.Errorf("nothing installed: %+v", p)
	}
	if p := planJob("explode", nil, e, releaseState{}, chartSource{}, nil); p.Fail == "" {
		t.Errorf("unknown command: %+v", p)
	}
}

func TestRedactHidesPasswords(t *testing.T) {
	got := strings.Join(redact([]string{"repo", "add", "x", "u", "--username", "me", "--password", "s3cret"}), " ")
	if strings.Contains(got, "s3cret") {
		t.Errorf("password logged: %s", got)
	}
}

func TestLastErrorLineFindsHelmsError(t *testing.T) {
	got := lastErrorLine("level=WARN msg=x\nError: INSTALLATION FAILED: chart \"nope\" not found in greet index\n")
	if got != "INSTALLATION FAILED: chart \"nope\" not found in greet index" {
		t.Errorf("got %q", got)
	}
	if got := lastErrorLine("something odd\n\n"); got != "something odd" {
		t.Errorf("got %q", got)
	}
}

func TestEventReasonSaysWhatHappened(t *testing.T) {
	for _, c := range []struct {
		mode, summary, want string
		failed             bool
	}{
		{"install", "Installed release web in apps", "Installed", false},
		{"install", "Upgraded release web in apps", "Upgraded", false},
		{"delete", "Uninstalled release web from apps", "Uninstalled", false},
		{"install", "release web is at revision 4, not the expected 3: ...", "NoChange", false},
		{"install", "", "InstallFailed", true},
		{"delete", "", "UninstallFailed", true},
	} {
		if got := eventReason(c.mode, c.failed, c.summary); got != c.want {
			t.Errorf("%s %q failed=%v: got %s, want %s", c.mode, c.summary, c.failed, got, c.want)
		}
	}
}
