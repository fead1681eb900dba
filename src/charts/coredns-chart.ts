// The rfo-coredns chart: CoreDNS as the cluster DNS (the kube-dns Service at
// cluster-dns), what rfo used to apply as plain manifests, now a chart users
// customise with a HelmChartConfig (replicas, resources, nodeSelector,
// tolerations, extra Corefile server blocks) as RKE2 users do with rke2-coredns.

import { stringify } from 'yaml';
import type { ChartSpec } from './chart-spec.ts';
import { systemAddonPlacement, addonGoEnv, valuesEnvLines, placementLines } from './chart-spec.ts';
import { refRepository, refTag } from '../images/image-ref.ts';

export interface CorednsChartInput {
  /** registry.k8s.io/coredns/coredns:v1.14.7: the image the runtime ships. */
  readonly image: string;
  readonly version: string;
}

/** The chart's image values for a reference (rfo passes the staged runtime's at deploy time). */
export function corednsImageValues(ref: string): { repository: string; tag: string } {
  return { repository: refRepository(ref), tag: refTag(ref) };
}

const labels = `{{- define "rfo-coredns.labels" -}}
k8s-app: kube-dns
{{- end }}`;

const rbac = `apiVersion: v1
kind: ServiceAccount
metadata:
  name: coredns
  namespace: {{ .Release.Namespace }}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: system:coredns
rules:
  - apiGroups: [""]
    resources: [endpoints, services, pods, namespaces]
    verbs: [list, watch]
  - apiGroups: [discovery.k8s.io]
    resources: [endpointslices]
    verbs: [list, watch]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: system:coredns
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: system:coredns
subjects:
  - kind: ServiceAccount
    name: coredns
    namespace: {{ .Release.Namespace }}
`;

const configmap = `apiVersion: v1
kind: ConfigMap
metadata:
  name: coredns
  namespace: {{ .Release.Namespace }}
data:
  Corefile: |
    .:53 {
        errors
        health {
            lameduck 5s
        }
        ready
        kubernetes {{ .Values.clusterDomain }} in-addr.arpa ip6.arpa {
            pods insecure
            fallthrough in-addr.arpa ip6.arpa
            ttl 30
        }
        prometheus :9153
        forward . {{ .Values.forward }}
        cache {{ .Values.cacheSeconds }}
        loop
        reload
        loadbalance
    }
{{- with .Values.extraCorefileBlocks }}
{{ . | indent 4 }}
{{- end }}
`;

const deployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: coredns
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "rfo-coredns.labels" . | nindent 4 }}
spec:
  replicas: {{ .Values.replicaCount }}
  selector:
    matchLabels:
      {{- include "rfo-coredns.labels" . | nindent 6 }}
  strategy:
    type: RollingUpdate
    # never fewer ready CoreDNS pods than asked for while it rolls
    rollingUpdate:
      maxUnavailable: 0
      maxSurge: 1
  template:
    metadata:
      labels:
        {{- include "rfo-coredns.labels" . | nindent 8 }}
    spec:
      serviceAccountName: coredns
      priorityClassName: {{ .Values.priorityClassName }}
      dnsPolicy: Default
${placementLines}
      containers:
        - name: coredns
          image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"
          imagePullPolicy: {{ .Values.image.pullPolicy }}
          args: ["-conf", "/etc/coredns/Corefile"]
          ports:
            - { name: dns, containerPort: 53, protocol: UDP }
            - { name: dns-tcp, containerPort: 53, protocol: TCP }
            - { name: metrics, containerPort: 9153, protocol: TCP }
          env:
${valuesEnvLines}
          resources:
            {{- toYaml .Values.resources | nindent 12 }}
          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            capabilities:
              add: [NET_BIND_SERVICE]
              drop: [ALL]
          volumeMounts:
            - { name: config-volume, mountPath: /etc/coredns, readOnly: true }
          livenessProbe:
            httpGet: { path: /health, port: 8080 }
            initialDelaySeconds: 60
            timeoutSeconds: 5
            failureThreshold: 5
          readinessProbe:
            httpGet: { path: /ready, port: 8181 }
            periodSeconds: 2
      volumes:
        - name: config-volume
          configMap:
            name: coredns
            items:
              - { key: Corefile, path: Corefile }
`;

const service = `apiVersion: v1
kind: Service
metadata:
  name: kube-dns
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "rfo-coredns.labels" . | nindent 4 }}
    kubernetes.io/name: CoreDNS
spec:
  selector:
    {{- include "rfo-coredns.labels" . | nindent 4 }}
  clusterIP: {{ required "clusterDNS: the cluster DNS address (rfo sets it from cluster-dns)" .Values.clusterDNS }}
  ports:
    - { name: dns, port: 53, protocol: UDP }
    - { name: dns-tcp, port: 53, protocol: TCP }
    - { name: metrics, port: 9153, protocol: TCP }
`;

export function corednsChart(input: CorednsChartInput): ChartSpec {
  const values = {
    image: { ...corednsImageValues(input.image), pullPolicy: 'IfNotPresent' },
    replicaCount: 1,
    clusterDNS: '',
    clusterDomain: 'cluster.local',
    forward: '/etc/resolv.conf',
    cacheSeconds: 30,
    // More Corefile server blocks, e.g. a stub domain: "example.org:53 {\n  forward . 10.0.0.2\n}"
    extraCorefileBlocks: '',
    priorityClassName: 'system-cluster-critical',
    resources: { requests: { cpu: '100m', memory: '70Mi' }, limits: { memory: '170Mi' } },
    env: [...addonGoEnv],
    ...systemAddonPlacement,
  };
  return {
    name: 'rfo-coredns',
    version: input.version.replace(/^v/, ''),
    appVersion: input.version,
    description: 'CoreDNS, the cluster DNS of rfo (the kube-dns Service at cluster-dns)',
    files: [
      { path: 'values.yaml', content: stringify(values) },
      { path: 'templates/_helpers.tpl', content: `${labels}\n` },
      { path: 'templates/rbac.yaml', content: rbac },
      { path: 'templates/configmap.yaml', content: configmap },
      { path: 'templates/deployment.yaml', content: deployment },
      { path: 'templates/service.yaml', content: service },
    ],
  };
}
