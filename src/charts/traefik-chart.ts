// The rfo-traefik chart: Traefik as the cluster's ingress controller, laid
// out as RKE2 runs its ingress (ADR rancher/rke2 008): a DaemonSet whose pods
// take ports 80 and 443 of every node (hostPorts; RKE2 has no LoadBalancer
// controller) plus a ClusterIP Service, the default IngressClass `traefik`.
// Beyond RKE2's defaults (where Gateway API is opt-in through a
// HelmChartConfig), its Kubernetes Gateway provider is on, with a
// GatewayClass `traefik` and a Gateway `traefik-gateway` whose `web`
// listener is the web entrypoint: the entrypoints keep upstream's
// unprivileged ports 8000/8443 inside the pod, so Gateways written for
// RKE2/K3s (listener port 8000) work unchanged, reached at each node's port 80.
// The Gateway API objects are rendered only when the cluster serves the
// API (rfo installs rfo-gateway-api-crds first). The kubernetesIngressNGINX
// provider, for Ingresses written for ingress-nginx, is a switch
// (providers.kubernetesIngressNGINX.enabled).

import { stringify } from 'yaml';
import type { ChartSpec } from './chart-spec.ts';
import { systemAddonPlacement, addonGoEnv, valuesEnvLines, placementLines } from './chart-spec.ts';
import { refRepository, refTag } from '../images/image-ref.ts';

export interface TraefikChartInput {
  /** docker.io/rfo/traefik:v3.7.13: the image the runtime ships. */
  readonly image: string;
  readonly version: string;
}

/** The chart's image values for a reference (rfo passes the staged runtime's at deploy time). */
export function traefikImageValues(ref: string): { repository: string; tag: string } {
  return { repository: refRepository(ref), tag: refTag(ref) };
}

/** The Gateway API kind whose presence turns the Gateway provider's objects on. */
export const gatewayApiProbe = 'gateway.networking.k8s.io/v1/GatewayClass';

const helpers = `{{- define "rfo-traefik.labels" -}}
app.kubernetes.io/name: rfo-traefik
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- /* "true" when the Gateway provider is on and the cluster serves Gateway API (its CRDs come from rfo-gateway-api-crds). */}}
{{- define "rfo-traefik.gatewayAPI" -}}
{{- if and .Values.providers.kubernetesGateway.enabled (.Capabilities.APIVersions.Has "${gatewayApiProbe}") }}true{{ end }}
{{- end }}
`;

const rbac = `apiVersion: v1
kind: ServiceAccount
metadata:
  name: rfo-traefik
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "rfo-traefik.labels" . | nindent 4 }}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: rfo-traefik
  labels:
    {{- include "rfo-traefik.labels" . | nindent 4 }}
rules:
  # What the Ingress, Gateway and ingress-nginx providers read: backends, TLS
  # secrets, namespaces (route attachment), nodes (topology), endpoints.
  - apiGroups: [""]
    resources: [services, secrets, configmaps, namespaces, nodes]
    verbs: [get, list, watch]
  - apiGroups: [discovery.k8s.io]
    resources: [endpointslices]
    verbs: [list, watch]
  - apiGroups: [networking.k8s.io]
    resources: [ingresses, ingressclasses]
    verbs: [get, list, watch]
  - apiGroups: [networking.k8s.io]
    resources: [ingresses/status]
    verbs: [update]
{{- if include "rfo-traefik.gatewayAPI" . }}
  - apiGroups: [gateway.networking.k8s.io]
    resources: [gatewayclasses, gateways, httproutes, grpcroutes, tcproutes, tlsroutes, referencegrants, backendtlspolicies]
    verbs: [get, list, watch]
  - apiGroups: [gateway.networking.k8s.io]
    resources: [gatewayclasses/status, gateways/status, httproutes/status, grpcroutes/status, tcproutes/status, tlsroutes/status, backendtlspolicies/status]
    verbs: [update]
{{- end }}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: rfo-traefik
  labels:
    {{- include "rfo-traefik.labels" . | nindent 4 }}
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: rfo-traefik
subjects:
  - kind: ServiceAccount
    name: rfo-traefik
    namespace: {{ .Release.Namespace }}
`;

const daemonset = `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: rfo-traefik
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "rfo-traefik.labels" . | nindent 4 }}
spec:
  selector:
    matchLabels:
      {{- include "rfo-traefik.labels" . | nindent 6 }}
  # A hostPort can be held by one pod per node: replace one node's pod at a time.
  updateStrategy:
    type: RollingUpdate
    rollingUpdate:
      maxUnavailable: 1
  template:
    metadata:
      labels:
        {{- include "rfo-traefik.labels" . | nindent 8 }}
    spec:
      serviceAccountName: rfo-traefik
      priorityClassName: {{ .Values.priorityClassName }}
      terminationGracePeriodSeconds: 30
      securityContext:
        runAsNonRoot: true
        runAsUser: 65532
        runAsGroup: 65532
        seccompProfile:
          type: RuntimeDefault
${placementLines}
      containers:
        - name: traefik
          image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"
          imagePullPolicy: {{ .Values.image.pullPolicy }}
          args:
            - --entryPoints.web.address=:{{ .Values.ports.web.port }}/tcp
            - --entryPoints.websecure.address=:{{ .Values.ports.websecure.port }}/tcp
            - --entryPoints.websecure.http.tls=true
            # Routes without entrypoints (Ingresses) go to web and websecure, not to the probes' port.
            - --entryPoints.web.asDefault=true
            - --entryPoints.websecure.asDefault=true
            - --entryPoints.traefik.address=:{{ .Values.ports.traefik.port }}/tcp
            - --ping=true
            - --log.level={{ .Values.logLevel }}
            # Air-gapped clusters: no version check, no usage report.
            - --global.checkNewVersion=false
            - --global.sendAnonymousUsage=false
            {{- if .Values.providers.kubernetesIngress.enabled }}
            - --providers.kubernetesIngress=true
            {{- end }}
            {{- if include "rfo-traefik.gatewayAPI" . }}
            - --providers.kubernetesGateway=true
            {{- end }}
            {{- if .Values.providers.kubernetesIngressNGINX.enabled }}
            - --providers.kubernetesIngressNGINX=true
            - --providers.kubernetesIngressNGINX.ingressClass={{ .Values.providers.kubernetesIngressNGINX.ingressClass }}
            {{- end }}
            {{- range .Values.additionalArguments }}
            - {{ . }}
            {{- end }}
          ports:
            - { name: web, containerPort: {{ .Values.ports.web.port }}, hostPort: {{ .Values.ports.web.hostPort }}, protocol: TCP }
            - { name: websecure, containerPort: {{ .Values.ports.websecure.port }}, hostPort: {{ .Values.ports.websecure.hostPort }}, protocol: TCP }
            - { name: traefik, containerPort: {{ .Values.ports.traefik.port }}, protocol: TCP }
          readinessProbe:
            httpGet: { path: /ping, port: traefik }
            periodSeconds: 2
            failureThreshold: 1
          livenessProbe:
            httpGet: { path: /ping, port: traefik }
            initialDelaySeconds: 5
            periodSeconds: 10
            failureThreshold: 3
          env:
${valuesEnvLines}
          resources:
            {{- toYaml .Values.resources | nindent 12 }}
          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            capabilities:
              drop: [ALL]
          volumeMounts:
            - { name: data, mountPath: /data }
            - { name: tmp, mountPath: /tmp }
      volumes:
        - { name: data, emptyDir: {} }
        - { name: tmp, emptyDir: {} }
`;

const service = `apiVersion: v1
kind: Service
metadata:
  name: rfo-traefik
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "rfo-traefik.labels" . | nindent 4 }}
spec:
  type: ClusterIP
  selector:
    {{- include "rfo-traefik.labels" . | nindent 4 }}
  ports:
    - { name: web, port: 80, targetPort: web, protocol: TCP }
    - { name: websecure, port: 443, targetPort: websecure, protocol: TCP }
`;

const ingressClass = `{{- if and .Values.providers.kubernetesIngress.enabled .Values.ingressClass.enabled }}
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata:
  name: {{ .Values.ingressClass.name }}
  labels:
    {{- include "rfo-traefik.labels" . | nindent 4 }}
  {{- if .Values.ingressClass.isDefaultClass }}
  annotations:
    ingressclass.kubernetes.io/is-default-class: "true"
  {{- end }}
spec:
  controller: traefik.io/ingress-controller
{{- end }}
{{- with .Values.providers.kubernetesIngressNGINX }}
{{- if and .enabled .createIngressClass }}
---
# The class ingress-nginx's Ingresses name; Traefik's ingress-nginx provider serves it.
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata:
  name: {{ .ingressClass }}
  labels:
    {{- include "rfo-traefik.labels" $ | nindent 4 }}
spec:
  controller: k8s.io/ingress-nginx
{{- end }}
{{- end }}
`;

const gateway = `{{- if include "rfo-traefik.gatewayAPI" . }}
{{- if .Values.gatewayClass.enabled }}
apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata:
  name: {{ .Values.gatewayClass.name }}
  labels:
    {{- include "rfo-traefik.labels" . | nindent 4 }}
spec:
  controllerName: traefik.io/gateway-controller
{{- end }}
{{- if .Values.gateway.enabled }}
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata:
  name: {{ .Values.gateway.name }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "rfo-traefik.labels" . | nindent 4 }}
spec:
  gatewayClassName: {{ .Values.gatewayClass.name }}
  listeners:
    # Traefik matches a listener to the entrypoint with the same port: web
    # (8000 in the pod), which is port 80 of every node.
    - name: web
      port: {{ .Values.ports.web.port }}
      protocol: HTTP
      allowedRoutes:
        namespaces:
          from: {{ .Values.gateway.routesFrom }}
{{- end }}
{{- end }}
`;

export function traefikChart(input: TraefikChartInput): ChartSpec {
  const values = {
    image: { ...traefikImageValues(input.image), pullPolicy: 'IfNotPresent' },
    logLevel: 'INFO',
    ports: {
      web: { port: 8000, hostPort: 80 },
      websecure: { port: 8443, hostPort: 443 },
      // /ping for the probes; not exposed on the node.
      traefik: { port: 9000 },
    },
    providers: {
      kubernetesIngress: { enabled: true },
      kubernetesGateway: { enabled: true },
      // For Ingresses written for ingress-nginx (class nginx, nginx.ingress.kubernetes.io/* annotations):
      // Traefik serves them and translates most annotations (README "Ingress and Gateway API").
      kubernetesIngressNGINX: { enabled: false, ingressClass: 'nginx', createIngressClass: true },
    },
    ingressClass: { enabled: true, name: 'traefik', isDefaultClass: true },
    gatewayClass: { enabled: true, name: 'traefik' },
    gateway: { enabled: true, name: 'traefik-gateway', routesFrom: 'All' },
    // More Traefik static configuration, e.g. --accesslog=true.
    additionalArguments: [],
    priorityClassName: 'system-cluster-critical',
    resources: { requests: { cpu: '100m', memory: '50Mi' }, limits: { memory: '300Mi' } },
    env: [...addonGoEnv],
    // Every node, control-plane nodes too: the ingress is on port 80 of each.
    ...systemAddonPlacement,
  };
  return {
    name: 'rfo-traefik',
    version: input.version.replace(/^v/, ''),
    appVersion: input.version,
    description: 'Traefik, the ingress controller of rfo (Ingress and Gateway API on ports 80/443 of every node)',
    files: [
      { path: 'values.yaml', content: stringify(values) },
      { path: 'templates/_helpers.tpl', content: helpers },
      { path: 'templates/rbac.yaml', content: rbac },
      { path: 'templates/daemonset.yaml', content: daemonset },
      { path: 'templates/service.yaml', content: service },
      { path: 'templates/ingressclass.yaml', content: ingressClass },
      { path: 'templates/gateway.yaml', content: gateway },
    ],
  };
}
