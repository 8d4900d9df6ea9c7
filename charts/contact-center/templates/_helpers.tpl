{{- define "cc.labels" -}}
app.kubernetes.io/part-of: contact-center
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}
