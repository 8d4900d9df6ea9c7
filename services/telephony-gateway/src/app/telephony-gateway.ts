import { performance } from 'node:perf_hooks';
import { type ContactBinding, parseUri, type ServerCall, type SipProtocol, UserAgent } from '@contactcenter/sip';
import type { DataSource } from 'typeorm';
import { withTenantTransaction } from '@contactcenter/tenancy';
import { parseIvrFlow } from '../domain/ivr';
import { QueueBoard } from '../domain/queue/queue-board';
import { PromptLibrary, RtpEndpoint, type RecordingStore } from '../media';
import { RegistrationRepository } from '../persistence/registration.repository';
import { type DidRecord, TelephonyDirectoryRepository } from '../persistence/telephony-directory.repository';
import { CallSession, type CallSessionContext } from './call-session/call-session';
import type { QueueSnapshots } from './queue-status/queue-snapshots.port';
import { QueueStatusSource } from './queue-status/queue-status.source';
import { toE164 } from './manage-directory/manage-directory.use-case';
import { TelephonyError } from './telephony.error';

export interface TelephonyGatewayOptions {
  readonly dataSource: DataSource;
  readonly recordings: RecordingStore;
  readonly promptsDir: string;
  readonly sip: {
    readonly host: string;
    readonly port: number;
    readonly protocols: SipProtocol[];
    readonly publicAddress?: string;
    /** Digest realm for REGISTER; agent endpoints store MD5(username:realm:password). */
    readonly realm: string;
  };
  readonly rtp: { readonly host: string; readonly portMin: number; readonly portMax: number; readonly strictSource: boolean };
  /** Address in our SDP (where callers and agent phones send RTP). */
  readonly mediaAddress: string;
  readonly maxConcurrentCalls: number;
  readonly agentRingTimeoutMs: number;
  /** Where transfers to a number go: a SIP URI without user (`sip:trunk.example:5060`); the number becomes its user. */
  readonly trunkUri?: string;
  readonly holdMusicId?: string;
  readonly announceEveryMs?: number;
  /** Routing's exact queue snapshots for the announcements; without them the queue board answers. */
  readonly queueSnapshots?: QueueSnapshots;
  readonly clock?: () => number;
  readonly logger?: { warn(message: string, context?: object): void; error(message: string, context?: object): void };
}

/**
 * The gateway of one pod: its SIP user agent, the calls it answered (sticky: they stay here
 * until they end) and the admission rules. A number nobody owns gets 404; a pod over capacity
 * or draining answers 503 so the SIP load balancer tries another pod.
 */
export class TelephonyGateway {
  private ua?: UserAgent;
  private readonly sessions = new Map<string, CallSession>();
  private readonly byInteraction = new Map<string, CallSession>();
  private readonly directory = new TelephonyDirectoryRepository();
  private readonly registrations = new RegistrationRepository();
  /** Registration writes in arrival order, so a quick re-REGISTER cannot be overtaken by the one before. */
  private registrationWrites: Promise<void> = Promise.resolve();
  /** Routing's voice queues as this pod has seen them in routing's events: positions and wait estimates. */
  readonly queueBoard = new QueueBoard();
  private readonly queueStatus: QueueStatusSource;
  private readonly prompts: PromptLibrary;
  private draining = false;
  private nextRtpPort: number;

  constructor(private readonly options: TelephonyGatewayOptions) {
    this.prompts = new PromptLibrary(options.promptsDir);
    this.nextRtpPort = options.rtp.portMin;
    this.queueStatus = new QueueStatusSource({
      board: this.queueBoard,
      snapshots: options.queueSnapshots,
      cycleMs: options.announceEveryMs ?? 30_000,
      clock: options.clock ?? Date.now,
      onSnapshotFailed: (error, context) => options.logger?.warn('routing queue snapshot failed; announcing from the queue board', { ...context, error: String(error) }),
    });
  }

  async start(): Promise<void> {
    const { sip } = this.options;
    const ua = await UserAgent.start({
      host: sip.host,
      port: sip.port,
      protocols: sip.protocols,
      publicAddress: sip.publicAddress,
      userAgentName: 'contactcenter-telephony-gateway',
      registrar: { realm: sip.realm, lookupHa1: (username) => this.ha1Of(username) },
    });
    // Bindings go to Postgres: the pod that holds a call may not be the one the phone registered with.
    ua.on('registered', ({ username, bindings }) => {
      this.registrationWrites = this.registrationWrites.then(() => this.persistRegistration(username, bindings));
    });
    ua.setOverloadGuard(() => this.draining || this.sessions.size >= this.options.maxConcurrentCalls);
    ua.onInvite((call) => void this.admit(call));
    ua.on('internalError', (error) => this.options.logger?.error('SIP handler failed', { error: String(error) }));
    this.ua = ua;
  }

  get sipPort(): number {
    return (this.ua as UserAgent).port;
  }

  get activeCalls(): number {
    return this.sessions.size;
  }

  get isDraining(): boolean {
    return this.draining;
  }

  /** Stops taking new calls (503) and resolves when the last one ended or the timeout passed. */
  async drain(timeoutMs: number): Promise<void> {
    this.draining = true;
    const deadline = Date.now() + timeoutMs;
    while (this.sessions.size > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  }

  /** Undoes `drain` (tests and operators flipping a pod back into service). */
  resume(): void {
    this.draining = false;
  }

  session(callId: string): CallSession {
    const session = this.sessions.get(callId);
    if (!session) throw new TelephonyError('CALL_NOT_FOUND', `call ${callId} is not on this gateway`);
    return session;
  }

  sessionOfInteraction(interactionId: string): CallSession | undefined {
    return this.byInteraction.get(interactionId);
  }

  async close(): Promise<void> {
    await Promise.all([...this.sessions.values()].map((s) => s.hangUp('system', 'shutdown')));
    await this.ua?.close();
  }

  private async admit(call: ServerCall): Promise<void> {
    try {
      const did = await this.resolve(call);
      if (!did) {
        call.reject(404, 'Number Not Assigned');
        return;
      }
      const flowDefinition = await withTenantTransaction(this.options.dataSource, (m) => this.directory.flow(m, did.tenantId, did.flowId), did);
      if (!flowDefinition) {
        call.reject(404, 'No Flow For Number');
        return;
      }
      if (this.draining || this.sessions.size >= this.options.maxConcurrentCalls) {
        call.reject(503, undefined, { 'retry-after': '5' });
        return;
      }
      const session = new CallSession(this.context(), call, did, parseIvrFlow(flowDefinition));
      this.sessions.set(session.callId, session);
      this.byInteraction.set(session.interactionId, session);
      void session.done.then(() => {
        this.sessions.delete(session.callId);
        this.byInteraction.delete(session.interactionId);
      });
      await session.start(callerNumber(call));
    } catch (error) {
      this.options.logger?.error('cannot take the call', { error: String(error) });
      call.reject(500);
    }
  }

  /** The dialled number: Request-URI user part, else the To header's. */
  private async resolve(call: ServerCall): Promise<DidRecord | undefined> {
    const user = parseUri(call.request.uri).user ?? '';
    let e164: string;
    try {
      e164 = toE164(decodeURIComponent(user));
    } catch {
      return undefined;
    }
    return this.directory.resolveDid(this.options.dataSource.manager, e164);
  }

  private context(): CallSessionContext {
    const { options } = this;
    return {
      dataSource: options.dataSource,
      ua: this.ua as UserAgent,
      prompts: this.prompts,
      recordings: options.recordings,
      openRtp: (codec, telephoneEventPayloadType) => this.openRtp(codec, telephoneEventPayloadType),
      mediaAddress: options.mediaAddress,
      agentTarget: (scope, agentId) => this.agentTarget(scope, agentId),
      externalTarget: (target) => externalTarget(target, options.trunkUri),
      clock: options.clock ?? Date.now,
      monotonic: () => performance.now(),
      agentRingTimeoutMs: options.agentRingTimeoutMs,
      holdMusicId: options.holdMusicId ?? 'hold-music',
      announceEveryMs: options.announceEveryMs ?? 30_000,
      queueStatus: (scope, queueId, interactionId) => this.queueStatus.status(scope, queueId, interactionId),
      onError: (error, context) => options.logger?.error('call failed', { ...context, error: String(error) }),
    };
  }

  /** Resolves once the registrations received so far are written (tests and shutdown). */
  registrationsSettled(): Promise<void> {
    return this.registrationWrites;
  }

  /** The phone's registered contact (from any pod), else the endpoint's fixed SIP URI. */
  private async agentTarget(scope: DidRecord, agentId: string): Promise<string | undefined> {
    const now = new Date((this.options.clock ?? Date.now)());
    return withTenantTransaction(
      this.options.dataSource,
      async (m) => {
        const endpoint = await this.directory.endpoint(m, scope.tenantId, agentId);
        if (!endpoint) return undefined;
        return (await this.registrations.contactOf(m, scope.tenantId, agentId, now)) ?? endpoint.sipUri;
      },
      scope,
    );
  }

  private async persistRegistration(username: string, bindings: readonly ContactBinding[]): Promise<void> {
    try {
      const account = await this.directory.resolveSipAccount(this.options.dataSource.manager, username);
      if (!account) return;
      const now = new Date((this.options.clock ?? Date.now)());
      const contacts = bindings.map((b) => ({ contact: b.contact, expiresAt: new Date(b.expiresAt), q: b.q, sipCallId: b.callId, cseq: b.cseq }));
      await withTenantTransaction(
        this.options.dataSource,
        (m) => this.registrations.replace(m, { tenantId: account.tenantId, workspaceId: account.workspaceId, agentId: account.agentId, sipUsername: username }, contacts, now),
        account,
      );
    } catch (error) {
      this.options.logger?.error('cannot store a registration', { username, error: String(error) });
    }
  }

  private async ha1Of(username: string): Promise<string | undefined> {
    try {
      return (await this.directory.resolveSipAccount(this.options.dataSource.manager, username))?.digestHa1;
    } catch (error) {
      this.options.logger?.error('cannot look up a SIP account', { username, error: String(error) });
      return undefined;
    }
  }

  /** A UDP port in the configured range (0..0 lets the OS choose), skipping ports in use. */
  private async openRtp(codec: RtpEndpoint['codec'], telephoneEventPayloadType?: number): Promise<RtpEndpoint> {
    const { host, portMin, portMax, strictSource } = this.options.rtp;
    if (portMin === 0 || portMax < portMin) return RtpEndpoint.open({ host, codec, telephoneEventPayloadType, latch: true, strictSource });
    const span = portMax - portMin + 1;
    for (let attempt = 0; attempt < span; attempt++) {
      const port = this.nextRtpPort;
      this.nextRtpPort = port + 2 > portMax ? portMin : port + 2;
      try {
        return await RtpEndpoint.open({ host, port, codec, telephoneEventPayloadType, latch: true, strictSource });
      } catch (error) {
        if ((error as { code?: string }).code !== 'EADDRINUSE') throw error;
      }
    }
    throw new Error(`no free RTP port in ${portMin}-${portMax}`);
  }
}

function callerNumber(call: ServerCall): string {
  const from = call.request.headers.get('from') ?? '';
  const match = /<?sips?:([^@;>]+)@/.exec(from);
  return match ? decodeURIComponent(match[1]) : '';
}

/** A SIP URI stays as given; a number is dialled through the trunk (none configured: undefined). */
export function externalTarget(target: string, trunkUri: string | undefined): string | undefined {
  if (/^sips?:/.test(target)) return target;
  if (!trunkUri) return undefined;
  const number = toE164(target);
  return trunkUri.replace(/^(sips?:)(?:[^@]*@)?/, `$1${number}@`);
}
