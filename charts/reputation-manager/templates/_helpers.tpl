{{/* Names */}}
{{- define "rm.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "rm.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* "<fullname>-<component>", e.g. rm-reputation-manager-worker */}}
{{- define "rm.componentName" -}}
{{- printf "%s-%s" (include "rm.fullname" .root) .component | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "rm.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/name: {{ include "rm.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: reputation-manager
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{- define "rm.selectorLabels" -}}
app.kubernetes.io/name: {{ include "rm.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "rm.componentLabels" -}}
{{ include "rm.labels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/* Image of a component: <registry/>repository-<component>:<tag>, or an explicit per-component image. */}}
{{- define "rm.image" -}}
{{- $img := index .root.Values .component "image" | default dict -}}
{{- $repo := $img.repository | default (printf "%s-%s" .root.Values.image.repository .component) -}}
{{- $tag := $img.tag | default .root.Values.image.tag | default .root.Chart.AppVersion -}}
{{- if .root.Values.image.registry -}}
{{- printf "%s/%s:%s" .root.Values.image.registry $repo $tag -}}
{{- else -}}
{{- printf "%s:%s" $repo $tag -}}
{{- end -}}
{{- end -}}

{{- define "rm.secretName" -}}
{{- .Values.secrets.existingSecret | default (printf "%s-secrets" (include "rm.fullname" .)) -}}
{{- end -}}

{{- define "rm.configMapName" -}}
{{- printf "%s-config" (include "rm.fullname" .) -}}
{{- end -}}

{{/*
Environment of a component as one list built from a dict: chart-set values first, then the
component's `env` map. A dict cannot hold a name twice, so no duplicate env names (Helm 4's
server-side apply rejects them).
*/}}
{{- define "rm.env" -}}
{{- $env := dict -}}
{{- range $k, $v := .fixed }}{{ $_ := set $env $k (toString $v) }}{{ end -}}
{{- range $k, $v := (index .root.Values .component "env" | default dict) }}{{ $_ := set $env $k (toString $v) }}{{ end -}}
{{- range $k := keys $env | sortAlpha }}
- name: {{ $k }}
  value: {{ index $env $k | quote }}
{{- end }}
{{- end -}}

{{- define "rm.envFrom" -}}
- configMapRef:
    name: {{ include "rm.configMapName" . }}
- secretRef:
    name: {{ include "rm.secretName" . }}
{{- end -}}

{{- define "rm.podSecurityContext" -}}
{{- toYaml .Values.podSecurityContext }}
{{- end -}}

{{- define "rm.containerSecurityContext" -}}
{{- toYaml .Values.containerSecurityContext }}
{{- end -}}

{{/* Pod-level settings shared by every workload. */}}
{{- define "rm.podCommon" -}}
automountServiceAccountToken: false
{{- with .root.Values.serviceAccountName }}
serviceAccountName: {{ . }}
{{- end }}
{{- with .root.Values.imagePullSecrets }}
imagePullSecrets:
{{ toYaml . }}
{{- end }}
securityContext:
{{ include "rm.podSecurityContext" .root | indent 2 }}
{{- $c := index .root.Values .component }}
{{- with $c.nodeSelector }}
nodeSelector:
{{ toYaml . | indent 2 }}
{{- end }}
{{- with $c.tolerations }}
tolerations:
{{ toYaml . | indent 2 }}
{{- end }}
{{- with $c.affinity }}
affinity:
{{ toYaml . | indent 2 }}
{{- end }}
{{- with $c.topologySpreadConstraints }}
topologySpreadConstraints:
{{ toYaml . | indent 2 }}
{{- end }}
{{- end -}}

{{/* Writable /tmp on a read-only root filesystem. */}}
{{- define "rm.tmpVolumeMount" -}}
- name: tmp
  mountPath: /tmp
{{- end -}}
{{- define "rm.tmpVolume" -}}
- name: tmp
  emptyDir:
    sizeLimit: 64Mi
{{- end -}}

{{/* Checksums restart pods when config or the chart-managed secret change. */}}
{{- define "rm.configChecksums" -}}
checksum/config: {{ include (print .Template.BasePath "/configmap.yaml") . | sha256sum }}
{{- if not .Values.secrets.existingSecret }}
checksum/secret: {{ include (print .Template.BasePath "/secret.yaml") . | sha256sum }}
{{- end }}
{{- end -}}

{{/* Stream keys the worker reads, as the app names them (@rm/streams): <prefix>stream:<kind>:{<n>} */}}
{{- define "rm.streamKeys" -}}
{{- $keys := list -}}
{{- range $kind := .Values.worker.keda.streams -}}
{{- range $n := until (int $.Values.config.streamPartitions) -}}
{{- $keys = append $keys (printf "%sstream:%s:{%d}" $.Values.config.streamPrefix $kind $n) -}}
{{- end -}}
{{- end -}}
{{- toJson $keys -}}
{{- end -}}
