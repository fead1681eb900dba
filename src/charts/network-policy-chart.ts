// The rfo-network-policy chart: kube-router's network policy controller (the
// engine K3s embeds) as a DaemonSet on every node, servers included, so
// flannel (which does no policy) enforces NetworkPolicy as RKE2's canal
// does. hostNetwork and privileged: it writes the node's iptables filter
// rules and ipsets. Customised with a HelmChartConfig (resources,
// tolerations, the iptables backend, sync period, extra kube-router flags);
// removed with `disable: [rfo-network-policy]` or `network-policy: none`,
// and then each pod takes its node's rules and ipsets off as it stops
// (go/kube-router/run.go: addonRemoved).

import { stringify } from 'yaml';
import type { ChartSpec } from './chart-spec.ts';
import { addonGoEnv, valuesEnvLines } from './chart-spec.ts';
import { refRepository, refTag } from '../images/image-ref.ts';

export interface NetworkPolicyChartInput {
  /** docker.io/rfo/kube-router:v2.1.0: the image the runtime ships. */
  readonly image: string;
  readonly version: string;
}

export const networkPolicyChartName = 'rfo-network-policy';

const labels = `{{- define "rfo-network-policy.labels" -}}
app.kubernetes.io/name: rfo-network-policy
{{- end }}`;

const rbac = `apiVersion: v1
kind: ServiceAccount
metadata:
  name: rfo-network-policy
  namespace: {{ .Release.Namespace }}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: rfo-network-policy
rules:
  # what kube-router's policy controller watches, and its own Node
  - apiGroups: [""]
    resources: [pods, namespaces]
    verbs: [get, list, watch]
  - apiGroups: [""]
    resources: [nodes]
    verbs: [get, list, watch]
  - apiGroups: [networking.k8s.io]
    resources: [networkpolicies]
    verbs: [get, list, watch]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: rfo-network-policy
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: rfo-network-policy
subjects:
  - kind: ServiceAccount
    name: rfo-network-policy
    namespace: {{ .Release.Namespace }}
---
# A stopping pod reads its DaemonSet to tell an uninstall (clean the node up) from a restart (keep the rules).
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: rfo-network-policy
  namespace: {{ .Release.Namespace }}
rules:
  - apiGroups: [apps]
    resources: [daemonsets]
    resourceNames: [rfo-network-policy]
    verbs: [get]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: rfo-network-policy
  namespace: {{ .Release.Namespace }}
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: rfo-network-policy
subjects:
  - kind: ServiceAccount
    name: rfo-network-policy
    namespace: {{ .Release.Namespace }}
`;

const daemonset = `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: rfo-network-policy
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "rfo-network-policy.labels" . | nindent 4 }}
spec:
  selector:
    matchLabels:
      {{- include "rfo-network-policy.labels" . | nindent 6 }}
  updateStrategy:
    type: RollingUpdate
    rollingUpdate:
      maxUnavailable: 1
  template:
    metadata:
      labels:
        {{- include "rfo-network-policy.labels" . | nindent 8 }}
    spec:
      serviceAccountName: rfo-network-policy
      priorityClassName: {{ .Values.priorityClassName }}
      hostNetwork: true
      dnsPolicy: ClusterFirstWithHostNet
      # time for a removed pod to take its rules off the node
      terminationGracePeriodSeconds: 30
      {{- with .Values.nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with .Values.tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      containers:
        - name: kube-router
          image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"
          imagePullPolicy: {{ .Values.image.pullPolicy }}
          args:
            - --run-firewall=true
            - --run-router=false
            - --run-service-proxy=false
            - --enable-cni=false
            - --hostname-override=$(NODE_NAME)
            - --service-cluster-ip-range={{ required "serviceClusterIPRange: the service CIDR (rfo sets it from service-cidr)" .Values.serviceClusterIPRange }}
            - --service-node-port-range={{ .Values.serviceNodePortRange }}
            - --iptables-sync-period={{ .Values.iptablesSyncPeriod }}
            - --health-port={{ .Values.healthPort }}
            - --metrics-port={{ .Values.metricsPort }}
            {{- range .Values.extraArgs }}
            - {{ . | quote }}
            {{- end }}
          env:
            - name: NODE_NAME
              valueFrom: { fieldRef: { fieldPath: spec.nodeName } }
            - name: POD_NAMESPACE
              valueFrom: { fieldRef: { fieldPath: metadata.namespace } }
            - name: RFO_DAEMONSET
              value: rfo-network-policy
            - name: IPTABLES_MODE
              value: {{ .Values.iptablesMode | quote }}
${valuesEnvLines}
          resources:
            {{- toYaml .Values.resources | nindent 12 }}
          securityContext:
            privileged: true
          {{- if .Values.healthPort }}
          livenessProbe:
            httpGet: { path: /healthz, port: {{ .Values.healthPort }}, host: 127.0.0.1 }
            initialDelaySeconds: 10
            periodSeconds: 10
            failureThreshold: 6
          {{- end }}
          volumeMounts:
            # the lock iptables-legacy takes, shared with kube-proxy on the host
            - { name: xtables-lock, mountPath: /run/xtables.lock }
            - { name: lib-modules, mountPath: /lib/modules, readOnly: true }
      volumes:
        - name: xtables-lock
          hostPath: { path: /run/xtables.lock, type: FileOrCreate }
        - name: lib-modules
          hostPath: { path: /lib/modules }
`;

export function networkPolicyChart(input: NetworkPolicyChartInput): ChartSpec {
  const values = {
    image: { repository: refRepository(input.image), tag: refTag(input.image), pullPolicy: 'IfNotPresent' },
    serviceClusterIPRange: '',
    serviceNodePortRange: '30000-32767',
    // auto: the backend (nft or legacy) that already holds the node's rules; or nft, legacy
    iptablesMode: 'auto',
    // full resync of all rules; policy, pod and namespace changes are applied at once anyway
    iptablesSyncPeriod: '5m0s',
    healthPort: 20244,
    metricsPort: 0,
    // more kube-router flags, e.g. ["--v=2"]
    extraArgs: [],
    priorityClassName: 'system-node-critical',
    resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '256Mi' } },
    env: [...addonGoEnv],
    nodeSelector: { 'kubernetes.io/os': 'linux' },
    // every node, servers and not-ready nodes included: policies hold from a pod's first packet on
    tolerations: [{ operator: 'Exists' }],
  };
  return {
    name: networkPolicyChartName,
    version: input.version.replace(/^v/, ''),
    appVersion: input.version,
    description: "NetworkPolicy for flannel: kube-router's network policy controller on every node",
    files: [
      { path: 'values.yaml', content: stringify(values) },
      { path: 'templates/_helpers.tpl', content: `${labels}\n` },
      { path: 'templates/rbac.yaml', content: rbac },
      { path: 'templates/daemonset.yaml', content: daemonset },
    ],
  };
}
