{{/* Env prefix of each service's config reader (services/<name>/src/config.ts). */}}
{{- define "cc.envPrefix" -}}
{{- $prefixes := dict "routing" "ROUTING_" "interaction-history" "HISTORY_" "reporting" "REPORTING_" "channel-ingestion" "CHANNELS_" "telephony-gateway" "TELEPHONY_" -}}
{{- index $prefixes . | required (printf "no env prefix known for service %s" .) -}}
{{- end -}}

{{- define "cc.fullname" -}}
{{- printf "%s-%s" .root.Release.Name .name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "cc.selectorLabels" -}}
app.kubernetes.io/name: contact-center
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .name }}
{{- end -}}

{{- define "cc.labels" -}}
{{ include "cc.selectorLabels" . }}
app.kubernetes.io/part-of: contact-center
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version }}
{{- end -}}

{{/* Values parsed from YAML are float64; print whole numbers without an exponent. */}}
{{- define "cc.envValue" -}}
{{- if kindIs "float64" . -}}{{ int64 . }}{{- else -}}{{ toString . }}{{- end -}}
{{- end -}}

{{- define "cc.smtpTlsDir" -}}/etc/contactcenter/smtp-tls{{- end -}}

{{- define "cc.telephonyHostNetwork" -}}
{{- if and (eq .name "telephony-gateway") (eq .svc.sip.exposure "hostNetwork") }}true{{ end -}}
{{- end -}}

{{/*
The container env: shared blocks, then ports, then the service's `config` (which may override a
shared key), all under the service's prefix; secrets only through secretKeyRef.
*/}}
{{- define "cc.env" -}}
{{- $root := .root -}}
{{- $svc := .svc -}}
{{- $prefix := include "cc.envPrefix" .name -}}
{{- $plain := dict
  "KAFKA_BROKERS" (join "," $root.Values.kafka.brokers)
  "OIDC_ISSUER" $root.Values.auth.issuer
  "OIDC_AUDIENCE" $root.Values.auth.audience
  "GRPC_URL" (printf "0.0.0.0:%d" (int $svc.ports.grpc))
  "HTTP_PORT" (include "cc.envValue" $svc.ports.http)
-}}
{{- $fieldRefs := dict -}}
{{- if eq .name "telephony-gateway" -}}
{{- if lt (int $svc.ports.rtpMax) (add (int $svc.ports.rtpMin) 2) -}}
{{- fail "services.telephony-gateway.ports: rtpMax must be at least rtpMin + 2 (a call needs a range of 3 ports)" -}}
{{- end -}}
{{- $_ := set $plain "SIP_PORT" (include "cc.envValue" $svc.ports.sip) -}}
{{- $_ := set $plain "RTP_PORT_MIN" (include "cc.envValue" $svc.ports.rtpMin) -}}
{{- $_ := set $plain "RTP_PORT_MAX" (include "cc.envValue" $svc.ports.rtpMax) -}}
{{- /* Each pod is its own consumer group: it must see the assignments of the calls it holds. */ -}}
{{- $_ := set $fieldRefs "POD_ID" "metadata.name" -}}
{{- end -}}
{{- if eq .name "channel-ingestion" -}}
{{- $_ := set $plain "SMTP_INBOUND_PORT" (include "cc.envValue" $svc.ports.smtp) -}}
{{- end -}}
{{- range $key, $value := $svc.config -}}
{{- $_ := set $plain $key (include "cc.envValue" $value) -}}
{{- end -}}
{{- if and (eq .name "channel-ingestion") $svc.smtp.tlsSecretName -}}
{{- $_ := set $plain "SMTP_TLS_KEY_FILE" (printf "%s/tls.key" (include "cc.smtpTlsDir" .)) -}}
{{- $_ := set $plain "SMTP_TLS_CERT_FILE" (printf "%s/tls.crt" (include "cc.smtpTlsDir" .)) -}}
{{- end -}}
{{- if and (eq .name "channel-ingestion") (not (get $plain "PUBLIC_BASE_URL")) $svc.ingress.enabled -}}
{{- $_ := set $plain "PUBLIC_BASE_URL" (printf "%s://%s" (ternary "https" "http" (ne $svc.ingress.tlsSecretName "")) $svc.ingress.host) -}}
{{- end -}}
{{- if and (eq .name "telephony-gateway") (not (get $plain "PUBLIC_ADDRESS")) -}}
{{- if include "cc.telephonyHostNetwork" . -}}
{{- $_ := unset $plain "PUBLIC_ADDRESS" -}}
{{- $_ := set $fieldRefs "PUBLIC_ADDRESS" "status.hostIP" -}}
{{- else -}}
{{- fail "services.telephony-gateway.config.PUBLIC_ADDRESS is required with sip.exposure=loadBalancer (the Service's external address, written in SDP)" -}}
{{- end -}}
{{- end -}}
{{- range $key := keys $plain | sortAlpha }}
- name: {{ printf "%s%s" $prefix $key }}
  value: {{ get $plain $key | quote }}
{{- end }}
{{- range $key := keys $fieldRefs | sortAlpha }}
- name: {{ printf "%s%s" $prefix $key }}
  valueFrom:
    fieldRef:
      fieldPath: {{ get $fieldRefs $key }}
{{- end }}
{{- range $key := keys $svc.secretEnv | sortAlpha }}
{{- $ref := get $svc.secretEnv $key }}
- name: {{ printf "%s%s" $prefix $key }}
  valueFrom:
    secretKeyRef:
      name: {{ $ref.name | default (ternary $root.Values.postgres.credentialsSecret $root.Values.secrets.existingSecret (hasSuffix "DATABASE_URL" $key)) }}
      key: {{ $ref.key }}
      {{- if $ref.optional }}
      optional: true
      {{- end }}
{{- end }}
- name: LOG_LEVEL
  value: {{ $root.Values.logLevel | quote }}
{{- with $root.Values.otel.exporterOtlpEndpoint }}
- name: OTEL_EXPORTER_OTLP_ENDPOINT
  value: {{ . | quote }}
{{- end }}
{{- end -}}
