// The CI subset of the conformance suite (`npm run conformance -- --subset ci`):
// exact spec names (test/conformance/testdata/conformance.yaml codenames) that
// together run in minutes on the 2-core CI host and still cover pods and the
// kubelet, Services and DNS across nodes (the agnhost and DNS-tool images),
// ConfigMaps and Secrets (env and volumes), Deployments/ReplicaSets/Jobs, and
// API machinery with authorization (SubjectReview, ServiceAccounts, discovery),
// and every stand-in image at least once (agnhost, busybox, glibc-dns-testing, nginx).
// A spec that stops existing in a minor makes the run's total smaller than
// this list; scripts/conformance.ts says so.

export const ciSubset: readonly string[] = [
  // pods, kubelet
  '[sig-node] Pods should get a host IP [NodeConformance] [Conformance]',
  '[sig-node] Pods should be submitted and removed [NodeConformance] [Conformance]',
  // services, DNS, pod networking (multi-node)
  '[sig-network] Services should serve a basic endpoint from pods [Conformance]',
  '[sig-network] Services should be able to create a functioning NodePort service [Conformance]',
  '[sig-network] Services should find a service from listing all namespaces [Conformance]',
  '[sig-network] DNS should provide DNS for services [Conformance]',
  '[sig-network] DNS should provide DNS for the cluster [Conformance]',
  '[sig-network] Networking Granular Checks: Pods should function for intra-pod communication: http [NodeConformance] [Conformance]',
  '[sig-network] DNS should provide DNS for pods for Subdomain [Conformance]',
  '[sig-network] EndpointSlice should create Endpoints and EndpointSlices for Pods matching a Service [Conformance]',
  '[sig-node] Kubelet when scheduling an agnhost Pod with hostAliases should write entries to /etc/hosts [NodeConformance] [Conformance]',
  // configmaps, secrets
  '[sig-node] ConfigMap should be consumable via environment variable [NodeConformance] [Conformance]',
  '[sig-node] ConfigMap should run through a ConfigMap lifecycle [Conformance]',
  '[sig-storage] ConfigMap should be consumable from pods in volume [NodeConformance] [Conformance]',
  '[sig-node] Secrets should be consumable from pods in env vars [NodeConformance] [Conformance]',
  '[sig-node] Secrets should patch a secret [Conformance]',
  // workloads
  '[sig-apps] Deployment should run the lifecycle of a Deployment [Conformance]',
  '[sig-apps] Deployment RollingUpdateDeployment should delete old pods and create new ones [Conformance]',
  '[sig-apps] ReplicaSet should serve a basic image on each replica with a public image [Conformance]',
  '[sig-apps] Job should delete a job [Conformance]',
  '[sig-api-machinery] Garbage collector should delete pods created by rc when not orphaning [Conformance]',
  '[sig-node] PodTemplates should delete a collection of pod templates [Conformance]',
  // API machinery, authn/authz
  '[sig-auth] ServiceAccounts should mount an API token into pods [Conformance]',
  '[sig-auth] ServiceAccounts should mount projected service account token [Conformance]',
  '[sig-auth] SubjectReview should support SubjectReview API operations [Conformance]',
  '[sig-auth] Certificates API [Privileged:ClusterAdmin] should support CSR API operations [Conformance]',
  '[sig-api-machinery] Discovery should validate PreferredVersion for each APIGroup [Conformance]',
  '[sig-api-machinery] ResourceQuota should create a ResourceQuota and capture the life of a secret. [Conformance]',
];
