import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { Service } from 'kubernetes-models/v1/Service';
import { parseAllDocuments, stringify } from 'yaml';
import { CHANNELS_ENV_VARS, loadChannelsConfig } from '../../services/channel-ingestion/src/config';
import { HISTORY_ENV_VARS, loadHistoryConfig } from '../../services/interaction-history/src/config';
import { loadReportingConfig, REPORTING_ENV_VARS } from '../../services/reporting/src/config';
import { loadRoutingConfig, ROUTING_ENV_VARS } from '../../services/routing/src/config';
import { loadTelephonyConfig, TELEPHONY_ENV_VARS } from '../../services/telephony-gateway/src/config';
import { CHART_DIR, helm } from './helm-java';

interface K8sObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string };
  readonly spec: any;
}

interface EnvVar {
  readonly name: string;
  readonly value?: string;
  readonly valueFrom?: { secretKeyRef?: { name: string; key: string }; fieldRef?: { fieldPath: string } };
}

/** What each service's own config module reads: the chart must set exactly these names. */
const SERVICES = [
  { name: 'routing', prefix: 'ROUTING_', envVars: ROUTING_ENV_VARS, load: loadRoutingConfig },
  { name: 'interaction-history', prefix: 'HISTORY_', envVars: HISTORY_ENV_VARS, load: loadHistoryConfig },
  { name: 'reporting', prefix: 'REPORTING_', envVars: REPORTING_ENV_VARS, load: loadReportingConfig },
  { name: 'channel-ingestion', prefix: 'CHANNELS_', envVars: CHANNELS_ENV_VARS, load: loadChannelsConfig },
  { name: 'telephony-gateway', prefix: 'TELEPHONY_', envVars: TELEPHONY_ENV_VARS, load: loadTelephonyConfig },
] as const;

/** Env suffixes the chart derives from `ports` (and the pod) rather than from `config`. */
const DERIVED: Record<string, readonly string[]> = {
  'channel-ingestion': ['GRPC_URL', 'HTTP_PORT', 'SMTP_INBOUND_PORT'],
  'telephony-gateway': ['GRPC_URL', 'HTTP_PORT', 'SIP_PORT', 'RTP_PORT_MIN', 'RTP_PORT_MAX', 'POD_ID'],
};
const derivedOf = (service: string) => DERIVED[service] ?? ['GRPC_URL', 'HTTP_PORT'];

const MODELS: Record<string, new (data: any) => { validate(): void }> = {
  'apps/v1/Deployment': Deployment,
  'v1/Service': Service,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'networking.k8s.io/v1/Ingress': Ingress,
};

const RELEASE = 'cc';
const workDir = mkdtempSync(path.join(tmpdir(), 'cc-chart-'));

function valuesFile(name: string, values: object): string {
  const file = path.join(workDir, `${name}.yaml`);
  writeFileSync(file, stringify(values));
  return file;
}

function template(values?: object) {
  return helm(['template', CHART_DIR, RELEASE, 'contact-center', ...(values ? [valuesFile(`values-${Date.now()}`, values)] : [])]);
}

function render(values?: object): K8sObject[] {
  const run = template(values);
  if (!run.ok) throw new Error(`helm template failed:\n${run.stderr}`);
  return parseAllDocuments(run.stdout)
    .map((doc) => {
      if (doc.errors.length > 0) throw doc.errors[0];
      return doc.toJS() as K8sObject | null;
    })
    .filter((object): object is K8sObject => object !== null);
}

function find(objects: readonly K8sObject[], kind: string, name: string): K8sObject {
  const found = objects.find((object) => object.kind === kind && object.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name} among ${objects.map((o) => `${o.kind}/${o.metadata.name}`).join(', ')}`);
  return found;
}

const containerOf = (deployment: K8sObject) => deployment.spec.template.spec.containers[0];
const envOf = (deployment: K8sObject): EnvVar[] => containerOf(deployment).env;

/** The env a pod would get, secrets and pod fields replaced by plausible stand-ins. */
function resolvedEnv(env: readonly EnvVar[]): NodeJS.ProcessEnv {
  const stand = (v: EnvVar) => (v.valueFrom?.secretKeyRef ? `postgres://stand-in-${'s'.repeat(32)}@db/cc` : v.valueFrom?.fieldRef?.fieldPath === 'status.hostIP' ? '10.0.0.7' : 'pod-0');
  return Object.fromEntries(env.map((v) => [v.name, v.value ?? stand(v)]));
}

describe('charts/contact-center', () => {
  afterAll(() => rmSync(workDir, { recursive: true, force: true }));

  it('passes helm lint (strict)', () => {
    const run = helm(['lint', CHART_DIR]);

    expect(run.stderr).toBe('');
    expect(run.ok).toBe(true);
  });

  describe('rendered with the default values', () => {
    let objects: K8sObject[];
    beforeAll(() => {
      objects = render();
    });

    it('renders only Kubernetes objects that pass their schema', () => {
      for (const object of objects) {
        const Model = MODELS[`${object.apiVersion}/${object.kind}`];
        if (!Model) throw new Error(`unexpected ${object.apiVersion} ${object.kind} ${object.metadata.name}`);
        expect(() => new Model(object).validate()).not.toThrow();
      }
      expect(objects.filter((o) => o.kind === 'Deployment')).toHaveLength(SERVICES.length);
    });

    it.each(SERVICES)('sets exactly the env vars $name reads, and they load', ({ name, prefix, envVars, load }) => {
      const env = envOf(find(objects, 'Deployment', `${RELEASE}-${name}`));
      const prefixed = env.map((v) => v.name).filter((n) => n.startsWith(prefix));

      expect([...prefixed].sort()).toEqual([...envVars].sort());
      expect(() => load(resolvedEnv(env))).not.toThrow();
    });

    it.each(SERVICES)('passes $name secrets only through secretKeyRef', ({ name }) => {
      const env = envOf(find(objects, 'Deployment', `${RELEASE}-${name}`));
      const secretLike = env.filter((v) => /DATABASE_URL$|SECRET|_KEY$|PASSWORD/.test(v.name));

      expect(secretLike.length).toBeGreaterThan(0);
      for (const v of secretLike) {
        expect(v.value).toBeUndefined();
        expect(v.valueFrom?.secretKeyRef?.key).toEqual(expect.any(String));
      }
    });

    it.each(SERVICES)('runs $name non-root with probes, a Service and a PodDisruptionBudget', ({ name }) => {
      const deployment = find(objects, 'Deployment', `${RELEASE}-${name}`);
      const container = containerOf(deployment);

      expect(deployment.spec.template.spec.securityContext.runAsNonRoot).toBe(true);
      expect(container.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true });
      expect(container.command).toEqual(['node', `dist/services/${name}/src/main.js`]);
      expect(container.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'http' });
      expect(container.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
      expect(container.ports.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['grpc', 'http']));
      expect(find(objects, 'Service', `${RELEASE}-${name}`).spec.selector).toEqual(deployment.spec.selector.matchLabels);
      expect(find(objects, 'PodDisruptionBudget', `${RELEASE}-${name}`).spec.selector.matchLabels).toEqual(deployment.spec.selector.matchLabels);
    });

    it('puts the telephony gateway on the host network, one pod per node, with a drain window', () => {
      const pod = find(objects, 'Deployment', `${RELEASE}-telephony-gateway`).spec.template.spec;
      const env = envOf(find(objects, 'Deployment', `${RELEASE}-telephony-gateway`));

      expect(pod.hostNetwork).toBe(true);
      expect(pod.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey).toBe('kubernetes.io/hostname');
      expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(3600);
      expect(pod.containers[0].lifecycle.preStop.exec.command).toEqual(['sleep', '5']);
      expect(env.find((v) => v.name === 'TELEPHONY_PUBLIC_ADDRESS')?.valueFrom?.fieldRef?.fieldPath).toBe('status.hostIP');
      expect(pod.containers[0].ports).toEqual(
        expect.arrayContaining([expect.objectContaining({ containerPort: 5060, protocol: 'UDP' }), expect.objectContaining({ containerPort: 5060, protocol: 'TCP' })]),
      );
    });
  });

  it('keeps values.schema.json in step with what each service reads', () => {
    const schema = JSON.parse(readFileSync(path.join(CHART_DIR, 'values.schema.json'), 'utf8'));
    for (const { name, prefix, envVars } of SERVICES) {
      const service = schema.properties.services.properties[name].properties;
      const covered = new Set([...Object.keys(service.config.properties), ...Object.keys(service.secretEnv.properties), ...derivedOf(name)]);

      expect([...covered].sort()).toEqual(envVars.map((v) => v.slice(prefix.length)).sort());
    }
  });

  it('exposes SIP through a LoadBalancer with client-IP affinity, and channels through an Ingress and an MX, when asked', () => {
    const objects = render({
      services: {
        reporting: { enabled: false },
        'channel-ingestion': {
          ingress: { enabled: true, className: 'nginx', host: 'chat.example.com', tlsSecretName: 'chat-tls' },
          smtp: { tlsSecretName: 'mx-tls' },
          config: { SMTP_INBOUND_ENABLED: true, SMTP_RELAY_HOST: 'smtp.example.com' },
        },
        'telephony-gateway': {
          ports: { rtpMin: 30000, rtpMax: 30009 },
          sip: { exposure: 'loadBalancer' },
          config: { PUBLIC_ADDRESS: '203.0.113.10' },
        },
      },
    });
    for (const object of objects) new MODELS[`${object.apiVersion}/${object.kind}`](object).validate();

    const sip = find(objects, 'Service', `${RELEASE}-telephony-gateway-sip`).spec;
    expect(sip).toMatchObject({ type: 'LoadBalancer', sessionAffinity: 'ClientIP', externalTrafficPolicy: 'Local' });
    expect(sip.ports.filter((p: { port: number }) => p.port === 5060).map((p: { protocol: string }) => p.protocol).sort()).toEqual(['TCP', 'UDP']);
    expect(sip.ports.filter((p: { name: string }) => p.name.startsWith('rtp-'))).toHaveLength(10);
    expect(find(objects, 'Deployment', `${RELEASE}-telephony-gateway`).spec.template.spec.hostNetwork).toBeUndefined();

    const ingress = find(objects, 'Ingress', `${RELEASE}-channel-ingestion`).spec;
    expect(ingress.rules[0].http.paths.map((p: { path: string }) => p.path)).toEqual(['/webhooks', '/webchat']);
    expect(ingress.tls[0]).toEqual({ hosts: ['chat.example.com'], secretName: 'chat-tls' });
    const channelsEnv = envOf(find(objects, 'Deployment', `${RELEASE}-channel-ingestion`));
    expect(channelsEnv.find((v) => v.name === 'CHANNELS_PUBLIC_BASE_URL')?.value).toBe('https://chat.example.com');
    expect(() => loadChannelsConfig(resolvedEnv(channelsEnv))).not.toThrow();
    expect(loadChannelsConfig(resolvedEnv(channelsEnv))).toMatchObject({
      smtpInboundEnabled: true,
      smtpInboundPort: 2525,
      smtpTlsKeyFile: '/etc/contactcenter/smtp-tls/tls.key',
      smtpTlsCertFile: '/etc/contactcenter/smtp-tls/tls.crt',
    });
    expect(channelsEnv.find((v) => v.name === 'CHANNELS_SMTP_RELAY_PASSWORD')?.valueFrom?.secretKeyRef).toMatchObject({ optional: true });
    const mx = find(objects, 'Service', `${RELEASE}-channel-ingestion-smtp`).spec;
    expect(mx).toMatchObject({ type: 'LoadBalancer', ports: [{ name: 'smtp', port: 25, targetPort: 'smtp', protocol: 'TCP' }] });
    const channelsPod = find(objects, 'Deployment', `${RELEASE}-channel-ingestion`).spec.template.spec;
    expect(channelsPod.containers[0].ports).toContainEqual({ name: 'smtp', containerPort: 2525, protocol: 'TCP' });
    expect(channelsPod.volumes).toContainEqual({ name: 'smtp-tls', secret: { secretName: 'mx-tls' } });

    expect(objects.some((o) => o.metadata.name === `${RELEASE}-reporting`)).toBe(false);
  });

  it.each([
    ['an unknown config key', { services: { routing: { config: { SNAPSHOT_EVRY: 5 } } } }, /SNAPSHOT_EVRY/],
    ['a setting of another service', { services: { routing: { sip: { exposure: 'hostNetwork' } } } }, /invalid propertyName 'sip'/],
    ['a secret given in clear', { services: { 'interaction-history': { config: { CURSOR_SECRET: 'c'.repeat(40) } } } }, /CURSOR_SECRET/],
    ['a value out of the service range', { services: { reporting: { config: { SERVICE_LEVEL_VARIANT: 'sometimes' } } } }, /SERVICE_LEVEL_VARIANT/],
    ['a missing database secret', { services: { routing: { secretEnv: { RELAY_DATABASE_URL: null } } } }, /RELAY_DATABASE_URL/],
    ['an RTP range too small for a call', { services: { 'telephony-gateway': { ports: { rtpMin: 20000, rtpMax: 20001 } } } }, /rtpMax must be at least rtpMin \+ 2/],
    ['a LoadBalancer SIP exposure without its public address', { services: { 'telephony-gateway': { sip: { exposure: 'loadBalancer' } } } }, /PUBLIC_ADDRESS is required/],
  ])('refuses to render %s', (_case, values, message) => {
    const run = template(values);

    expect(run.ok).toBe(false);
    expect(run.stderr).toMatch(message);
  });

  it('fails helm lint when the chart values break the schema', () => {
    const chart = path.join(workDir, 'broken-chart');
    cpSync(CHART_DIR, chart, { recursive: true });
    writeFileSync(path.join(chart, 'values.yaml'), readFileSync(path.join(CHART_DIR, 'values.yaml'), 'utf8').replace('replicas: 2', 'replicas: two'));

    const run = helm(['lint', chart]);

    expect(run.ok).toBe(false);
    expect(`${run.stdout}${run.stderr}`).toMatch(/replicas/);
  });
});
