package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/cloudnativelabs/kube-router/v2/pkg/controllers/netpol"
	"github.com/cloudnativelabs/kube-router/v2/pkg/healthcheck"
	"github.com/cloudnativelabs/kube-router/v2/pkg/metrics"
	"github.com/cloudnativelabs/kube-router/v2/pkg/options"
	"github.com/cloudnativelabs/kube-router/v2/pkg/version"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	"k8s.io/klog/v2"
)

// runFirewall is the firewall part of upstream's KubeRouter.Run (pkg/cmd):
// health and metrics controllers, the informers the policy controller
// needs, and the controller. On SIGTERM it stops the controller and, when
// the add-on is being removed, takes its rules and ipsets off the node
// (upstream leaves them behind: k3s#7244).
func runFirewall(config *options.KubeRouterConfig) error {
	version.PrintVersion(true)
	client, err := newClient(config)
	if err != nil {
		return err
	}
	var ipsetMutex sync.Mutex
	var wg sync.WaitGroup
	healthChan := make(chan *healthcheck.ControllerHeartbeat, 10)
	stopCh := make(chan struct{})

	hc, err := healthcheck.NewHealthController(config)
	if err != nil {
		return fmt.Errorf("failed to create health controller: %v", err)
	}
	wg.Add(1)
	go hc.RunServer(stopCh, &wg)

	factory := informers.NewSharedInformerFactory(client, 0)
	podInformer := factory.Core().V1().Pods().Informer()
	nsInformer := factory.Core().V1().Namespaces().Informer()
	npInformer := factory.Networking().V1().NetworkPolicies().Informer()
	factory.Start(stopCh)
	synced := make(chan struct{})
	go func() { factory.WaitForCacheSync(stopCh); close(synced) }()
	select {
	case <-synced:
	case <-time.After(config.CacheSyncTimeout):
		return fmt.Errorf("informer caches not synced within %s", config.CacheSyncTimeout)
	}
	hc.SetAlive()
	wg.Add(1)
	go hc.RunCheck(healthChan, stopCh, &wg)

	if config.MetricsPort > 0 && config.MetricsPort < 65535 {
		config.MetricsEnabled = true
		mc, err := metrics.NewMetricsController(config)
		if err != nil {
			return fmt.Errorf("failed to create metrics controller: %v", err)
		}
		wg.Add(1)
		go mc.Run(healthChan, stopCh, &wg)
	}

	ipt, ipsets, err := netpol.NewIPTablesHandlers(config)
	if err != nil {
		return fmt.Errorf("failed to create iptables handlers: %v", err)
	}
	npc, err := netpol.NewNetworkPolicyController(client, config, podInformer, npInformer, nsInformer, &ipsetMutex, ipt, ipsets)
	if err != nil {
		return fmt.Errorf("failed to create network policy controller: %v", err)
	}
	for _, add := range []func() error{
		func() error { _, err := podInformer.AddEventHandler(npc.PodEventHandler); return err },
		func() error { _, err := nsInformer.AddEventHandler(npc.NamespaceEventHandler); return err },
		func() error { _, err := npInformer.AddEventHandler(npc.NetworkPolicyEventHandler); return err },
	} {
		if err := add(); err != nil {
			return fmt.Errorf("failed to add event handler: %v", err)
		}
	}
	wg.Add(1)
	go npc.Run(healthChan, stopCh, &wg)

	ch := make(chan os.Signal, 1)
	signal.Notify(ch, syscall.SIGINT, syscall.SIGTERM)
	<-ch
	klog.Info("shutting down the network policy controller")
	close(stopCh)
	wg.Wait()
	if removed, why := addonRemoved(client); removed {
		klog.Infof("the add-on is being removed (%s): cleaning up this node's rules and ipsets", why)
		npc.Cleanup()
	} else {
		klog.Infof("keeping this node's rules (%s): the next pod takes them over", why)
	}
	return nil
}

func newClient(config *options.KubeRouterConfig) (kubernetes.Interface, error) {
	var rc *rest.Config
	var err error
	if config.Master != "" || config.Kubeconfig != "" {
		rc, err = clientcmd.BuildConfigFromFlags(config.Master, config.Kubeconfig)
	} else {
		rc, err = rest.InClusterConfig()
	}
	if err != nil {
		return nil, fmt.Errorf("kubernetes client configuration: %v", err)
	}
	return kubernetes.NewForConfig(rc)
}

// addonRemoved tells a pod stopped because its DaemonSet was deleted (helm
// uninstall, `disable: [rfo-network-policy]`) from one stopped for a
// restart or a rolling update, where the rules must stay so that policies
// keep being enforced until the next pod syncs. The chart passes the
// DaemonSet's name and namespace (RFO_DAEMONSET, POD_NAMESPACE). Gone, being
// deleted, or our RBAC already deleted with it (401/403): removed. Any other
// error (API unreachable): keep the rules (rfo killall removes them).
func addonRemoved(client kubernetes.Interface) (bool, string) {
	name, ns := os.Getenv("RFO_DAEMONSET"), os.Getenv("POD_NAMESPACE")
	if name == "" || ns == "" {
		return false, "RFO_DAEMONSET or POD_NAMESPACE not set"
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	ds, err := client.AppsV1().DaemonSets(ns).Get(ctx, name, metav1.GetOptions{})
	switch {
	case apierrors.IsNotFound(err):
		return true, "DaemonSet " + ns + "/" + name + " is gone"
	case apierrors.IsForbidden(err) || apierrors.IsUnauthorized(err):
		return true, "its RBAC is gone"
	case err != nil:
		return false, "cannot tell: " + err.Error()
	case ds.DeletionTimestamp != nil:
		return true, "DaemonSet " + ns + "/" + name + " is being deleted"
	}
	return false, "DaemonSet " + ns + "/" + name + " still exists"
}
