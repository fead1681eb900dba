package main

import (
	"context"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
)

// recordEvent puts what the job did, or why it failed, on the HelmChart as a
// Kubernetes Event (kubectl describe helmchart / kubectl get events). A
// failed job's pod is deleted once its retries are used up, taking its log
// and termination message with it; the event stays. Best effort: a job
// that cannot write events still does its work.
func recordEvent(cfg *rest.Config, chartNamespace, chartName, eventType, reason, message string) {
	if cfg == nil || chartNamespace == "" || chartName == "" {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ref := corev1.ObjectReference{APIVersion: "helm.cattle.io/v1", Kind: "HelmChart", Namespace: chartNamespace, Name: chartName}
	if dyn, err := dynamic.NewForConfig(cfg); err == nil {
		gvr := schema.GroupVersionResource{Group: "helm.cattle.io", Version: "v1", Resource: "helmcharts"}
		if obj, err := dyn.Resource(gvr).Namespace(chartNamespace).Get(ctx, chartName, metav1.GetOptions{}); err == nil {
			ref.UID = obj.GetUID()
			ref.ResourceVersion = obj.GetResourceVersion()
		}
	}
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		logf("event not recorded: %v", err)
		return
	}
	if len(message) > 1024 {
		message = message[:1021] + "..."
	}
	now := metav1.NewTime(time.Now())
	ev := &corev1.Event{
		ObjectMeta:     metav1.ObjectMeta{GenerateName: chartName + ".", Namespace: chartNamespace},
		InvolvedObject: ref,
		Reason:         reason,
		Message:        message,
		Type:           eventType,
		Source:         corev1.EventSource{Component: "helm-job"},
		FirstTimestamp: now,
		LastTimestamp:  now,
		Count:          1,
	}
	if _, err := cs.CoreV1().Events(chartNamespace).Create(ctx, ev, metav1.CreateOptions{}); err != nil {
		logf("event not recorded: %v", err)
	}
}

// eventReason names what the job did, for the event's reason column: the
// first word of the summary (Installed, Upgraded, Uninstalled) on success.
func eventReason(mode string, failed bool, summary string) string {
	switch {
	case failed && mode == "delete":
		return "UninstallFailed"
	case failed:
		return "InstallFailed"
	}
	for _, r := range []string{"Installed", "Upgraded", "Uninstalled"} {
		if strings.HasPrefix(summary, r+" ") {
			return r
		}
	}
	return "NoChange"
}
