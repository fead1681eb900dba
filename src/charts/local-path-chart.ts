// The rfo-local-path chart: local-path-provisioner and the default
// StorageClass `local-path`, as K3s ships its local-storage add-on. A volume
// is a directory under storagePath on the node that runs the pod (rfo sets
// <data-dir>/storage, /var/lib/rancher/rfo/storage by default, as K3s uses
// /var/lib/rancher/k3s/storage); the provisioner creates and removes it with
// a short-lived helper pod running our busybox image. Upstream's
// deploy/local-path-storage.yaml, in kube-system (K3s' namespace), with
// K3s' setup script (the storage directory is 0700: only root reads volumes).

import { stringify } from 'yaml';
import type { ChartSpec } from './chart-spec.ts';
import { systemAddonPlacement, addonGoEnv, valuesEnvLines, placementLines } from './chart-spec.ts';
import { imageValues } from './image-values.ts';

export interface LocalPathChartInput {
  /** docker.io/rancher/local-path-provisioner:v0.0.37: the image the runtime ships. */
  readonly image: string;
  /** The helper pod's shell image (docker.io/rfo/busybox:…). */
  readonly helperImage: string;
  readonly version: string;
}

export const defaultStoragePath = '/var/lib/rancher/rfo/storage';

const helpers = `{{- define "rfo-local-path.labels" -}}
app: local-path-provisioner
{{- end }}`;

const rbac = `apiVersion: v1
kind: ServiceAccount
metadata:
  name: local-path-provisioner-service-account
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "rfo-local-path.labels" . | nindent 4 }}
---
# Helper pods run in the provisioner's namespace.
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: local-path-provisioner-role
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "rfo-local-path.labels" . | nindent 4 }}
rules:
  - apiGroups: [""]
    resources: [pods]
    verbs: [get, list, watch, create, patch, update, delete]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: local-path-provisioner-bind
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "rfo-local-path.labels" . | nindent 4 }}
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: local-path-provisioner-role
subjects:
  - kind: ServiceAccount
    name: local-path-provisioner-service-account
    namespace: {{ .Release.Namespace }}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: local-path-provisioner-role
  labels:
    {{- include "rfo-local-path.labels" . | nindent 4 }}
rules:
  - apiGroups: [""]
    resources: [nodes, persistentvolumeclaims, configmaps, pods, pods/log]
    verbs: [get, list, watch]
  - apiGroups: [""]
    resources: [persistentvolumes]
    verbs: [get, list, watch, create, patch, update, delete]
  - apiGroups: [""]
    resources: [events]
    verbs: [create, patch]
  - apiGroups: [storage.k8s.io]
    resources: [storageclasses]
    verbs: [get, list, watch]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: local-path-provisioner-bind
  labels:
    {{- include "rfo-local-path.labels" . | nindent 4 }}
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: local-path-provisioner-role
subjects:
  - kind: ServiceAccount
    name: local-path-provisioner-service-account
    namespace: {{ .Release.Namespace }}
`;

const configmap = `{{- if not .Values.storagePath }}
{{- fail "storagePath: the directory on each node that holds the volumes (rfo sets <data-dir>/storage)" }}
{{- end }}
apiVersion: v1
kind: ConfigMap
metadata:
  name: local-path-config
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "rfo-local-path.labels" . | nindent 4 }}
data:
  config.json: |-
    {{- $paths := list (dict "node" "DEFAULT_PATH_FOR_NON_LISTED_NODES" "paths" (list .Values.storagePath)) }}
    {{- range .Values.nodePathMap }}
    {{- $paths = append $paths . }}
    {{- end }}
    {{- dict "nodePathMap" $paths | toPrettyJson | nindent 4 }}
  setup: |-
    {{- .Values.setup | nindent 4 }}
  teardown: |-
    {{- .Values.teardown | nindent 4 }}
  helperPod.yaml: |-
    apiVersion: v1
    kind: Pod
    metadata:
      name: helper-pod
    spec:
      priorityClassName: {{ .Values.helperPod.priorityClassName }}
      tolerations:
        - { key: node.kubernetes.io/disk-pressure, operator: Exists, effect: NoSchedule }
      containers:
        - name: helper-pod
          image: "{{ .Values.helperImage.repository }}:{{ .Values.helperImage.tag }}"
          imagePullPolicy: {{ .Values.image.pullPolicy }}
          resources:
            {{- toYaml .Values.helperPod.resources | nindent 12 }}
`;

const deployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: local-path-provisioner
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "rfo-local-path.labels" . | nindent 4 }}
spec:
  replicas: 1
  # one provisioner at a time: it runs without leader election
  strategy:
    type: Recreate
  selector:
    matchLabels:
      {{- include "rfo-local-path.labels" . | nindent 6 }}
  template:
    metadata:
      labels:
        {{- include "rfo-local-path.labels" . | nindent 8 }}
    spec:
      # (no checksum annotation: the provisioner re-reads config.json and the helper pod by itself)
      serviceAccountName: local-path-provisioner-service-account
      priorityClassName: {{ .Values.priorityClassName }}
${placementLines}
      containers:
        - name: local-path-provisioner
          image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"
          imagePullPolicy: {{ .Values.image.pullPolicy }}
          command:
            - local-path-provisioner
            - start
            - --config
            - /etc/config/config.json
            - --service-account-name
            - local-path-provisioner-service-account
            - --provisioner-name
            - rancher.io/local-path
            - --helper-image
            - "{{ .Values.helperImage.repository }}:{{ .Values.helperImage.tag }}"
            - --configmap-name
            - local-path-config
            {{- range .Values.extraArgs }}
            - {{ . }}
            {{- end }}
          env:
            - name: POD_NAMESPACE
              valueFrom: { fieldRef: { fieldPath: metadata.namespace } }
            - { name: CONFIG_MOUNT_PATH, value: /etc/config/ }
            - { name: HEALTH_PORT, value: "8080" }
${valuesEnvLines}
          ports:
            - { name: health, containerPort: 8080, protocol: TCP }
          startupProbe:
            httpGet: { path: /health, port: health }
            initialDelaySeconds: 2
            periodSeconds: 5
            failureThreshold: 24
          livenessProbe:
            httpGet: { path: /health, port: health }
            periodSeconds: 10
          readinessProbe:
            httpGet: { path: /ready, port: health }
            periodSeconds: 5
          resources:
            {{- toYaml .Values.resources | nindent 12 }}
          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            runAsNonRoot: true
            runAsUser: 65534
            capabilities: { drop: [ALL] }
          volumeMounts:
            - { name: config-volume, mountPath: /etc/config/ }
      volumes:
        - name: config-volume
          configMap:
            name: local-path-config
`;

const storageClass = `{{- with .Values.storageClass }}
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: {{ .name }}
  labels:
    {{- include "rfo-local-path.labels" $ | nindent 4 }}
  annotations:
    storageclass.kubernetes.io/is-default-class: {{ .defaultClass | quote }}
    defaultVolumeType: {{ .defaultVolumeType | quote }}
provisioner: rancher.io/local-path
volumeBindingMode: {{ .volumeBindingMode }}
reclaimPolicy: {{ .reclaimPolicy }}
allowVolumeExpansion: true
{{- end }}
`;

export function localPathChart(input: LocalPathChartInput): ChartSpec {
  const values = {
    image: { ...imageValues(input.image), pullPolicy: 'IfNotPresent' },
    helperImage: imageValues(input.helperImage),
    // Where volumes live on every node; rfo sets <data-dir>/storage.
    storagePath: defaultStoragePath,
    // Other paths for some nodes: [{ node: <name>, paths: [<dir>] }] (local-path-provisioner's nodePathMap).
    nodePathMap: [],
    storageClass: {
      name: 'local-path',
      defaultClass: true,
      reclaimPolicy: 'Delete',
      volumeBindingMode: 'WaitForFirstConsumer',
      // hostPath, or local (PersistentVolumes of type local, with node affinity)
      defaultVolumeType: 'hostPath',
    },
    // The helper pod's scripts (VOL_DIR, VOL_MODE, VOL_SIZE_BYTES in the environment), as K3s has them.
    setup: '#!/bin/sh\nset -eu\nmkdir -m 0777 -p "${VOL_DIR}"\nchmod 700 "${VOL_DIR}/.."\n',
    teardown: '#!/bin/sh\nset -eu\nrm -rf "${VOL_DIR}"\n',
    helperPod: { priorityClassName: 'system-node-critical', resources: {} },
    // More local-path-provisioner flags, e.g. ["--worker-threads", "8"].
    extraArgs: [],
    priorityClassName: 'system-node-critical',
    resources: { requests: { cpu: '10m', memory: '20Mi' } },
    env: [...addonGoEnv],
    ...systemAddonPlacement,
  };
  return {
    name: 'rfo-local-path',
    version: input.version.replace(/^v/, ''),
    appVersion: input.version,
    description: 'local-path-provisioner: node-local PersistentVolumes and the default StorageClass local-path',
    files: [
      { path: 'values.yaml', content: stringify(values) },
      { path: 'templates/_helpers.tpl', content: `${helpers}\n` },
      { path: 'templates/rbac.yaml', content: rbac },
      { path: 'templates/configmap.yaml', content: configmap },
      { path: 'templates/deployment.yaml', content: deployment },
      { path: 'templates/storageclass.yaml', content: storageClass },
    ],
  };
}
