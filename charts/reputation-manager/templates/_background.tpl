{{/* Deployment of a process without an HTTP port of its own (relay, worker): probes on METRICS_PORT. */}}
{{- define "rm.backgroundDeployment" -}}
{{- $c := index .root.Values .component -}}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "rm.componentName" . }}
  labels:
    {{- include "rm.componentLabels" . | nindent 4 }}
spec:
  {{- if not .scaled }}
  replicas: {{ $c.replicaCount }}
  {{- end }}
  revisionHistoryLimit: 5
  strategy:
    type: RollingUpdate
    rollingUpdate: { maxSurge: 1, maxUnavailable: 0 }
  selector:
    matchLabels:
      {{- include "rm.selectorLabels" . | nindent 6 }}
  template:
    metadata:
      labels:
        {{- include "rm.selectorLabels" . | nindent 8 }}
      annotations:
        {{- include "rm.configChecksums" .root | nindent 8 }}
    spec:
      {{- include "rm.podCommon" . | nindent 6 }}
      terminationGracePeriodSeconds: {{ $c.terminationGracePeriodSeconds }}
      containers:
        - name: {{ .component }}
          image: {{ include "rm.image" . | quote }}
          imagePullPolicy: {{ .root.Values.image.pullPolicy }}
          envFrom:
            {{- include "rm.envFrom" .root | nindent 12 }}
          {{- $fixed := dict }}
          {{- with $c.sendRetry }}
          {{- $fixed = dict "SEND_RETRY_MAX_HOURS" .maxHours "SEND_RETRY_FIRST_DELAY_SECONDS" .firstDelaySeconds "SEND_RETRY_MAX_DELAY_SECONDS" .maxDelaySeconds }}
          {{- end }}
          {{- with $c.inboundReconcile }}
          {{- $_ := set $fixed "INBOUND_RECONCILE_OVERLAP_MINUTES" .overlapMinutes }}
          {{- $_ := set $fixed "INBOUND_RECONCILE_MAX_HOURS" .maxHours }}
          {{- $_ := set $fixed "INBOUND_RECONCILE_INTERVAL_SECONDS" .intervalSeconds }}
          {{- end }}
          {{- with $c.deliveryReconcile }}
          {{- $_ := set $fixed "DELIVERY_RECONCILE_INTERVAL_SECONDS" .intervalSeconds }}
          {{- $_ := set $fixed "DELIVERY_RECONCILE_MIN_AGE_SECONDS" .minAgeSeconds }}
          {{- end }}
          {{- with $c.whatsappApprovals }}
          {{- $_ := set $fixed "WHATSAPP_APPROVAL_INTERVAL_MS" .intervalMs }}
          {{- end }}
          {{- with $c.webhooks }}
          {{- $_ := set $fixed "WEBHOOK_TIMEOUT_MS" .timeoutMs }}
          {{- $_ := set $fixed "WEBHOOK_MAX_ATTEMPTS" .maxAttempts }}
          {{- $_ := set $fixed "WEBHOOK_RETRY_FIRST_DELAY_SECONDS" .firstDelaySeconds }}
          {{- $_ := set $fixed "WEBHOOK_RETRY_MAX_SECONDS" .maxDelaySeconds }}
          {{- $_ := set $fixed "WEBHOOK_DISABLE_AFTER_FAILURES" .disableAfterFailures }}
          {{- end }}
          {{- with $c.statusApply }}
          {{- $_ := set $fixed "STATUS_APPLY_BATCH_SIZE" .batchSize }}
          {{- $_ := set $fixed "STATUS_APPLY_POLL_MS" .pollMs }}
          {{- $_ := set $fixed "STATUS_UNKNOWN_RETRY_MINUTES" .unknownRetryMinutes }}
          {{- end }}
          {{- with $c.claim }}
          {{- $_ := set $fixed "RELAY_BATCH_SIZE" .batchSize }}
          {{- $_ := set $fixed "RELAY_LANES" .lanes }}
          {{- $_ := set $fixed "RELAY_POLL_MS" .pollMs }}
          {{- end }}
          {{- with $c.retentionDays }}
          {{- $_ := set $fixed "RETENTION_DAYS" . }}
          {{- end }}
          {{- with $c.assistant }}
          {{- /* The LLM assistant (SPEC §16) asks the same provider as the web's AI drafts. */}}
          {{- $_ := set $fixed "AI_BASE_URL" $.root.Values.web.ai.baseUrl }}
          {{- $_ := set $fixed "AI_MODEL" $.root.Values.web.ai.model }}
          {{- $_ := set $fixed "ASSISTANT_AI_TIMEOUT_MS" .aiTimeoutMs }}
          {{- end }}
          {{- $env := include "rm.env" (dict "root" .root "component" .component "fixed" $fixed) | trim }}
          {{- if $env }}
          env:
            {{- $env | trim | nindent 12 }}
          {{- end }}
          ports:
            - { name: metrics, containerPort: {{ .root.Values.metricsPort }}, protocol: TCP }
          startupProbe:
            httpGet: { path: /healthz, port: metrics }
            periodSeconds: 2
            failureThreshold: 30
          livenessProbe:
            httpGet: { path: /healthz, port: metrics }
            periodSeconds: 10
            timeoutSeconds: 2
            failureThreshold: 3
          readinessProbe:
            # /readyz answers within 2 s (its own deadline), so the timeout sits above it.
            httpGet: { path: /readyz, port: metrics }
            periodSeconds: 10
            timeoutSeconds: 3
            failureThreshold: 3
          resources:
            {{- toYaml $c.resources | nindent 12 }}
          securityContext:
            {{- include "rm.containerSecurityContext" .root | nindent 12 }}
          volumeMounts:
            {{- include "rm.tmpVolumeMount" .root | nindent 12 }}
      volumes:
        {{- include "rm.tmpVolume" .root | nindent 8 }}
{{- if $c.pdb.enabled }}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ include "rm.componentName" . }}
  labels:
    {{- include "rm.componentLabels" . | nindent 4 }}
spec:
  maxUnavailable: {{ $c.pdb.maxUnavailable }}
  selector:
    matchLabels:
      {{- include "rm.selectorLabels" . | nindent 6 }}
{{- end }}
{{- end -}}

{{/* True when the worker is scaled by KEDA (enabled and the API exists). */}}
{{- define "rm.kedaActive" -}}
{{- if and .Values.worker.keda.enabled (.Capabilities.APIVersions.Has "keda.sh/v1alpha1") -}}true{{- end -}}
{{- end -}}
