// The rfo-metrics-server chart: metrics-server behind the aggregated API
// v1beta1.metrics.k8s.io, so `kubectl top` and HorizontalPodAutoscalers work.
// Upstream's manifests (manifests/base of sigs.k8s.io/metrics-server) as a
// chart, with one change: kubelets are verified. rfo's kubelet serving
// certificates come from the kubelet CA (server/tls/kubelet-ca.crt), which
// rfo passes as the kubeletCA value; the chart puts it in a ConfigMap and
// metrics-server checks every kubelet against it (--kubelet-certificate-authority)
// instead of upstream's usual --kubelet-insecure-tls.

import { stringify } from 'yaml';
import type { ChartSpec } from './chart-spec.ts';
import { systemAddonPlacement, addonGoEnv, valuesEnvLines, placementLines } from './chart-spec.ts';
import { imageValues } from './image-values.ts';

export interface MetricsServerChartInput {
  /** registry.k8s.io/metrics-server/metrics-server:v0.8.1: the image the runtime ships. */
  readonly image: string;
  readonly version: string;
}

const helpers = `{{- define "rfo-metrics-server.labels" -}}
k8s-app: metrics-server
{{- end }}
{{- define "rfo-metrics-server.kubeletCAPath" -}}
/etc/rfo-kubelet-ca/ca.crt
{{- end }}`;

const rbac = `apiVersion: v1
kind: ServiceAccount
metadata:
  name: metrics-server
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "rfo-metrics-server.labels" . | nindent 4 }}
---
# Lets view/edit/admin read metrics (aggregated into those roles).
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: system:aggregated-metrics-reader
  labels:
    {{- include "rfo-metrics-server.labels" . | nindent 4 }}
    rbac.authorization.k8s.io/aggregate-to-view: "true"
    rbac.authorization.k8s.io/aggregate-to-edit: "true"
    rbac.authorization.k8s.io/aggregate-to-admin: "true"
rules:
  - apiGroups: [metrics.k8s.io]
    resources: [pods, nodes]
    verbs: [get, list, watch]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: system:metrics-server
  labels:
    {{- include "rfo-metrics-server.labels" . | nindent 4 }}
rules:
  - apiGroups: [""]
    resources: [nodes/metrics]
    verbs: [get]
  - apiGroups: [""]
    resources: [pods, nodes]
    verbs: [get, list, watch]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: system:metrics-server
  labels:
    {{- include "rfo-metrics-server.labels" . | nindent 4 }}
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: system:metrics-server
subjects:
  - kind: ServiceAccount
    name: metrics-server
    namespace: {{ .Release.Namespace }}
---
# Delegated authentication and authorization of the aggregated API's callers.
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: metrics-server:system:auth-delegator
  labels:
    {{- include "rfo-metrics-server.labels" . | nindent 4 }}
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: system:auth-delegator
subjects:
  - kind: ServiceAccount
    name: metrics-server
    namespace: {{ .Release.Namespace }}
---
# The request-header CA (extension-apiserver-authentication in kube-system), to trust the apiserver's proxy.
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: metrics-server-auth-reader
  namespace: kube-system
  labels:
    {{- include "rfo-metrics-server.labels" . | nindent 4 }}
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: extension-apiserver-authentication-reader
subjects:
  - kind: ServiceAccount
    name: metrics-server
    namespace: {{ .Release.Namespace }}
`;

const kubeletCa = `{{- if and (not .Values.kubeletInsecureTLS) (not .Values.kubeletCA) }}
{{- fail "kubeletCA: the CA of the kubelets' serving certificates (rfo sets it from server/tls/kubelet-ca.crt), or kubeletInsecureTLS: true" }}
{{- end }}
{{- if not .Values.kubeletInsecureTLS }}
apiVersion: v1
kind: ConfigMap
metadata:
  name: metrics-server-kubelet-ca
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "rfo-metrics-server.labels" . | nindent 4 }}
data:
  ca.crt: |
    {{- .Values.kubeletCA | trim | nindent 4 }}
{{- end }}
`;

const deployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: metrics-server
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "rfo-metrics-server.labels" . | nindent 4 }}
spec:
  replicas: {{ .Values.replicaCount }}
  selector:
    matchLabels:
      {{- include "rfo-metrics-server.labels" . | nindent 6 }}
  strategy:
    rollingUpdate:
      maxUnavailable: 0
  template:
    metadata:
      labels:
        {{- include "rfo-metrics-server.labels" . | nindent 8 }}
      annotations:
        # a new kubelet CA (rotate-ca) rolls the pod, which reads the file once
        checksum/kubelet-ca: {{ .Values.kubeletCA | sha256sum }}
    spec:
      serviceAccountName: metrics-server
      priorityClassName: {{ .Values.priorityClassName }}
${placementLines}
      containers:
        - name: metrics-server
          image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"
          imagePullPolicy: {{ .Values.image.pullPolicy }}
          args:
            - --cert-dir=/tmp
            - --secure-port={{ .Values.securePort }}
            - --kubelet-preferred-address-types={{ .Values.kubeletPreferredAddressTypes }}
            - --kubelet-use-node-status-port
            - --metric-resolution={{ .Values.metricResolution }}
            {{- if .Values.kubeletInsecureTLS }}
            - --kubelet-insecure-tls
            {{- else }}
            - --kubelet-certificate-authority={{ include "rfo-metrics-server.kubeletCAPath" . }}
            {{- end }}
            {{- range .Values.extraArgs }}
            - {{ . }}
            {{- end }}
          ports:
            - { name: https, containerPort: {{ .Values.securePort }}, protocol: TCP }
          readinessProbe:
            httpGet: { path: /readyz, port: https, scheme: HTTPS }
            periodSeconds: 10
            failureThreshold: 3
            initialDelaySeconds: 20
          livenessProbe:
            httpGet: { path: /livez, port: https, scheme: HTTPS }
            periodSeconds: 10
            failureThreshold: 3
          env:
${valuesEnvLines}
          resources:
            {{- toYaml .Values.resources | nindent 12 }}
          securityContext:
            readOnlyRootFilesystem: true
            runAsNonRoot: true
            runAsUser: 1000
            allowPrivilegeEscalation: false
            seccompProfile: { type: RuntimeDefault }
            capabilities: { drop: [ALL] }
          volumeMounts:
            # its self-signed serving certificate; the root file system stays read-only
            - { name: tmp-dir, mountPath: /tmp }
            {{- if not .Values.kubeletInsecureTLS }}
            - { name: kubelet-ca, mountPath: /etc/rfo-kubelet-ca, readOnly: true }
            {{- end }}
      volumes:
        - name: tmp-dir
          emptyDir: {}
        {{- if not .Values.kubeletInsecureTLS }}
        - name: kubelet-ca
          configMap:
            name: metrics-server-kubelet-ca
        {{- end }}
`;

const service = `apiVersion: v1
kind: Service
metadata:
  name: metrics-server
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "rfo-metrics-server.labels" . | nindent 4 }}
spec:
  selector:
    {{- include "rfo-metrics-server.labels" . | nindent 4 }}
  ports:
    - { name: https, port: 443, protocol: TCP, targetPort: https, appProtocol: https }
`;

const apiService = `apiVersion: apiregistration.k8s.io/v1
kind: APIService
metadata:
  name: v1beta1.metrics.k8s.io
  labels:
    {{- include "rfo-metrics-server.labels" . | nindent 4 }}
spec:
  service:
    name: metrics-server
    namespace: {{ .Release.Namespace }}
  group: metrics.k8s.io
  version: v1beta1
  {{- if .Values.apiService.caBundle }}
  caBundle: {{ .Values.apiService.caBundle | b64enc }}
  {{- else }}
  # metrics-server serves a self-signed certificate (upstream's default); the
  # aggregator still authenticates itself to it with its proxy client certificate.
  insecureSkipTLSVerify: true
  {{- end }}
  groupPriorityMinimum: 100
  versionPriority: 100
`;

export function metricsServerChart(input: MetricsServerChartInput): ChartSpec {
  const values = {
    image: { ...imageValues(input.image), pullPolicy: 'IfNotPresent' },
    replicaCount: 1,
    // PEM of the CA that signs the kubelets' serving certificates; rfo sets it from server/tls/kubelet-ca.crt.
    kubeletCA: '',
    // true: do not verify kubelets (upstream's test setting); kubeletCA is then not needed.
    kubeletInsecureTLS: false,
    kubeletPreferredAddressTypes: 'InternalIP,ExternalIP,Hostname',
    metricResolution: '15s',
    securePort: 10250,
    // More metrics-server flags, e.g. ["--v=2"].
    extraArgs: [],
    // A CA (PEM) for metrics-server's serving certificate when it is given one (extraArgs --tls-cert-file...); empty: not verified.
    apiService: { caBundle: '' },
    priorityClassName: 'system-cluster-critical',
    resources: { requests: { cpu: '100m', memory: '70Mi' } },
    env: [...addonGoEnv],
    ...systemAddonPlacement,
  };
  return {
    name: 'rfo-metrics-server',
    version: input.version.replace(/^v/, ''),
    appVersion: input.version,
    description: 'metrics-server: the resource metrics API (kubectl top, HorizontalPodAutoscaler)',
    files: [
      { path: 'values.yaml', content: stringify(values) },
      { path: 'templates/_helpers.tpl', content: `${helpers}\n` },
      { path: 'templates/rbac.yaml', content: rbac },
      { path: 'templates/kubelet-ca.yaml', content: kubeletCa },
      { path: 'templates/deployment.yaml', content: deployment },
      { path: 'templates/service.yaml', content: service },
      { path: 'templates/apiservice.yaml', content: apiService },
    ],
  };
}
