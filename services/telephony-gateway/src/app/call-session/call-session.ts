import { randomUUID } from 'node:crypto';
import { callV1, commonV1, type EventDefinition, Events, toTimestamp } from '@contactcenter/contracts';
import type { OutboxEvent } from '@contactcenter/messaging';
import { answerOffer, createOffer, readAnswer, SipCallFailedError, type ClientCall, type G711Codec, type ServerCall, type UserAgent } from '@contactcenter/sip';
import type { DataSource } from 'typeorm';
import type { IvrAction, IvrFlow } from '../../domain/ivr';
import type { QueueStatus } from '../../domain/queue/queue-board';
import {
  ConferenceMixer,
  G711_PAYLOAD_TYPES,
  HoldPlayer,
  IvrMediaSession,
  queueAnnouncementPrompts,
  RtpBridge,
  TwoChannelRecorder,
  type PromptLibrary,
  type RecordingStore,
  type RtpEndpoint,
} from '../../media';
import { CallRepository, type CallEnd, type CallState } from '../../persistence/call.repository';
import type { DidRecord } from '../../persistence/telephony-directory.repository';
import type { RoutingTransferTarget } from '../routing/routing-transfers.port';
import { TelephonyError } from '../telephony.error';
import { CallJournal } from './call-journal';

const { CALL_ENDED_BY_AGENT, CALL_ENDED_BY_CUSTOMER, CALL_ENDED_BY_SYSTEM } = callV1.CallEndedBy;
const ENDED_BY = { customer: CALL_ENDED_BY_CUSTOMER, agent: CALL_ENDED_BY_AGENT, system: CALL_ENDED_BY_SYSTEM } as const;
/** Mixer party ids of the call's own two legs; a third party goes by its leg id. */
const CALLER_PARTY = 'caller';
const AGENT_PARTY = 'agent';
/** The recording's source id for what the caller hears in a conference (the mix of the others). */
const MIX_SSRC = 0x6d697831;

/** Who joins a conference: another agent of the tenant, or a number / SIP URI. */
export type ConferenceTarget = { readonly agentId: string } | { readonly external: string };

/** Routing's reason for a failed delivery to an agent's phone, with the SIP status: "busy:486". */
export function deliveryFailureReason(status: number): string {
  if (status === 486 || status === 600 || status === 603) return `busy:${status}`;
  if (status === 408 || status === 480 || status === 487) return `no-answer:${status}`;
  return `unreachable:${status}`;
}

/** What every call of a pod shares. */
export interface CallSessionContext {
  readonly dataSource: DataSource;
  readonly ua: UserAgent;
  readonly prompts: PromptLibrary;
  readonly recordings: RecordingStore;
  /** A new RTP leg sending in `codec`. */
  openRtp(codec: G711Codec, telephoneEventPayloadType?: number): Promise<RtpEndpoint>;
  /** The address written in our SDP. */
  readonly mediaAddress: string;
  /** The SIP URI for a transfer target (a SIP URI as given, a number through the trunk), or undefined without a trunk. */
  externalTarget(target: string): string | undefined;
  /** Where to reach the agent's phone (SIP URI), or undefined when it has none. */
  agentTarget(scope: DidRecord, agentId: string): Promise<string | undefined>;
  /** Wall clock (events); the recorder uses the media's monotonic clock. */
  readonly clock: () => number;
  readonly monotonic: () => number;
  readonly agentRingTimeoutMs: number;
  readonly holdMusicId: string;
  readonly announceEveryMs: number;
  /** The caller's place and expected wait in routing's queue, when known. */
  queueStatus(scope: DidRecord, queueId: string, interactionId: string): Promise<QueueStatus | undefined>;
  readonly onError: (error: unknown, context: object) => void;
}

interface AgentLeg {
  readonly legId: string;
  /** Empty for the far end of a transfer to a number. */
  readonly agentId: string;
  readonly call: ClientCall;
  readonly endpoint: RtpEndpoint;
  answered: boolean;
}

/**
 * One inbound call, end to end: answer, IVR, queue with music, the agent's phone (B2BUA),
 * the bridge and its recording, call control, and the hang-up of either side. SIP and media
 * callbacks drive it; every state change goes through the journal with its events.
 */
export class CallSession {
  readonly callId = randomUUID();
  readonly interactionId = randomUUID();
  private state: CallState = 'ivr';
  private readonly journal: CallJournal;
  private readonly calls = new CallRepository();
  private callerEndpoint?: RtpEndpoint;
  private ivr?: IvrMediaSession;
  private hold?: HoldPlayer;
  private agent?: AgentLeg;
  private bridge?: RtpBridge;
  /** Set once a third party answered: from then on the call's audio is mixed, not relayed. */
  private mixer?: ConferenceMixer;
  private party?: AgentLeg;
  private recorder?: TwoChannelRecorder;
  private queueId = '';
  private queuedAt = 0;
  private ringTimer?: NodeJS.Timeout;
  private finished?: Promise<void>;
  private settleDone!: () => void;
  readonly done = new Promise<void>((resolve) => (this.settleDone = resolve));

  constructor(
    private readonly context: CallSessionContext,
    private readonly caller: ServerCall,
    private readonly did: DidRecord,
    private readonly flow: IvrFlow,
  ) {
    this.journal = new CallJournal(context.dataSource, did, (error) => context.onError(error, { callId: this.callId, what: 'journal' }));
  }

  get tenantId(): string {
    return this.did.tenantId;
  }

  /** A getter, so checks after an await read the state anew. */
  private get isEnded(): boolean {
    return this.state === 'ended';
  }

  get currentState(): CallState {
    return this.state;
  }

  get agentId(): string | undefined {
    return this.agent?.answered ? this.agent.agentId : undefined;
  }

  /** Answers the INVITE and runs the IVR; resolves once the call is answered. */
  async start(fromNumber: string): Promise<void> {
    const offer = this.caller.remoteSdp;
    if (!offer) {
      // Offerless INVITEs (offer in the ACK) are not supported by the gateway.
      this.caller.reject(488, 'Offer Required');
      this.settleDone();
      return;
    }
    const probe = answerOffer(offer, { address: this.context.mediaAddress, port: 9 });
    const endpoint = await this.context.openRtp(probe.session.codec, probe.session.telephoneEventPayloadType);
    const { answer, session } = answerOffer(offer, { address: this.context.mediaAddress, port: endpoint.local.port });
    endpoint.setRemote(session.remoteAddress, session.remotePort);
    this.callerEndpoint = endpoint;
    this.caller.once('ended', (ended) => this.onCallerGone(ended.reason === 'cancelled' ? 'cancelled' : 'hangup'));
    const startedAt = new Date(this.context.clock());
    void this.journal.record(
      (m) =>
        this.calls.insert(
          m,
          {
            tenantId: this.did.tenantId,
            callId: this.callId,
            workspaceId: this.did.workspaceId,
            interactionId: this.interactionId,
            sipCallId: this.caller.callId,
            fromNumber,
            toNumber: this.did.e164,
            startedAt,
          },
          this.caller.request.headers.get('from') ?? '',
        ),
      [
        this.event(Events.CallStarted, {
          callId: this.callId,
          tenantId: this.did.tenantId,
          fromNumber,
          toNumber: this.did.e164,
          interactionId: this.interactionId,
          startedAt: toTimestamp(startedAt),
        }),
      ],
    );
    this.caller.answer(answer);
    this.ivr = new IvrMediaSession({
      flow: this.flow,
      endpoint,
      prompts: this.context.prompts,
      messages: { store: this.context.recordings, tenantId: this.did.tenantId, callId: this.callId },
      clock: this.context.clock,
      onAction: (action) => this.onIvrAction(action),
    });
    void this.ivr.run().then(
      (outcome) => {
        if (outcome.kind === 'abandoned') return;
        const { action } = outcome;
        if (action.type === 'queue') return this.enqueue(action.queueId, action.skills, action.priority);
        if (action.type === 'transfer') return this.ivrTransfer(action.target);
        return this.hangUp('system', `ivr-${action.reason}`);
      },
      (error: unknown) => this.fail(error),
    );
  }

  /** Routing assigned the call to an agent: ring the agent's phone. */
  async onAssigned(agentId: string): Promise<void> {
    if (this.state !== 'queued') return;
    const target = await this.context.agentTarget(this.did, agentId);
    if (this.state !== 'queued') return;
    const now = new Date(this.context.clock());
    if (!target) {
      await this.missed(agentId, 404, now);
      return;
    }
    const caller = this.callerEndpoint as RtpEndpoint;
    const endpoint = await this.context.openRtp(caller.codec);
    const offer = createOffer({ address: this.context.mediaAddress, port: endpoint.local.port, codecs: [caller.codec] });
    const legId = randomUUID();
    const call = this.context.ua.invite(target, offer, { fromUser: this.did.e164.replace('+', '') });
    const leg: AgentLeg = { legId, agentId, call, endpoint, answered: false };
    this.agent = leg;
    this.state = 'ringing-agent';
    void this.journal.record(
      async (m) => {
        await this.calls.setState(m, this.did.tenantId, this.callId, 'ringing-agent');
        await this.calls.addAgentLeg(m, this.did.tenantId, this.callId, legId, agentId, target, now);
      },
      [this.event(Events.CallAgentRinging, { callId: this.callId, tenantId: this.did.tenantId, interactionId: this.interactionId, agentId, ringingAt: toTimestamp(now) })],
    );
    let ringTimedOut = false;
    this.ringTimer = setTimeout(() => {
      ringTimedOut = true;
      void call.cancel();
    }, this.context.agentRingTimeoutMs);
    call.once('ended', () => this.onAgentGone(leg));
    try {
      const response = await call.whenAnswered();
      clearTimeout(this.ringTimer);
      if (this.agent !== leg || this.isEnded) {
        await call.bye();
        return;
      }
      const session = readAnswer(response.body.toString(), { address: this.context.mediaAddress, port: endpoint.local.port, codecs: [caller.codec] });
      endpoint.setRemote(session.remoteAddress, session.remotePort);
      this.connect(leg);
    } catch (error) {
      clearTimeout(this.ringTimer);
      if (this.agent !== leg) return;
      this.agent = undefined;
      await endpoint.close();
      if (this.isEnded) return;
      this.state = 'queued';
      // Our own CANCEL at the ring timeout comes back as 487; the agent simply did not answer.
      const status = ringTimedOut ? 408 : error instanceof SipCallFailedError ? error.status : 500;
      await this.missed(agentId, status, new Date(this.context.clock()));
      if (!(error instanceof SipCallFailedError)) this.context.onError(error, { callId: this.callId, what: 'agent leg' });
    }
  }

  /**
   * BlindTransfer to a queue or an agent: routing decides (`ask` is its Transfer, which checks
   * the handling agent asks), then the agent leg goes and the caller waits on music for the
   * next assignment. Routing's InteractionTransferred then finds nothing left to do.
   */
  async transferThroughRouting(to: RoutingTransferTarget, ask: (interactionId: string) => Promise<void>): Promise<void> {
    if (this.isEnded) throw new TelephonyError('CALL_NOT_FOUND', `call ${this.callId} has ended`);
    this.requireConnected();
    this.requireNoConference('BlindTransfer');
    await ask(this.interactionId);
    await this.onTransferred('queueId' in to ? to.queueId : '', 'agentId' in to ? to.agentId : '');
  }

  /** Routing moved the interaction away from its agent (a transfer): drop the agent, wait again. */
  async onTransferred(toQueueId: string, toAgentId: string): Promise<void> {
    const leg = this.agent;
    if (!leg || this.isEnded || this.mixer) return;
    const now = new Date(this.context.clock());
    this.recorder?.resume(this.context.monotonic());
    this.agent = undefined;
    this.bridge?.stop();
    this.hold?.stop();
    this.state = 'queued';
    if (toQueueId) this.queueId = toQueueId;
    void this.journal.record(
      (m) => this.calls.setState(m, this.did.tenantId, this.callId, 'queued'),
      [
        this.event(Events.CallTransferred, {
          callId: this.callId,
          tenantId: this.did.tenantId,
          interactionId: this.interactionId,
          fromAgentId: leg.agentId,
          ...(toAgentId ? { agentId: toAgentId } : { queueId: toQueueId || this.queueId }),
          transferredAt: toTimestamp(now),
        }),
      ],
    );
    await this.startHold();
    await leg.call.cancel();
    await leg.endpoint.close();
  }

  /**
   * Blind transfer to a number or SIP URI (from the agent, or an IVR `transfer` node): the agent
   * leg is dropped, the caller hears music while the far end rings, then both are bridged and
   * the recording goes on (a PCI pause ends here). The far end's failure ends the call.
   */
  async startTransferToExternal(target: string): Promise<void> {
    if (this.isEnded) throw new TelephonyError('CALL_NOT_FOUND', `call ${this.callId} has ended`);
    const uri = this.context.externalTarget(target);
    if (!uri) throw new TelephonyError('NO_TRUNK', `no trunk is configured to reach ${target}`);
    if (this.state !== 'ivr') this.requireConnected();
    this.requireNoConference('BlindTransfer');
    void this.transferToExternal(uri, target).catch((error: unknown) => this.fail(error));
  }

  /** The IVR's `transfer` node: the same path, or a hang-up when the target cannot be dialled. */
  private async ivrTransfer(target: string): Promise<void> {
    let uri: string | undefined;
    try {
      uri = this.context.externalTarget(target);
    } catch {
      uri = undefined;
    }
    if (!uri) return this.hangUp('system', `ivr-transfer-undialable:${target}`);
    return this.transferToExternal(uri, target);
  }

  private async transferToExternal(uri: string, target: string): Promise<void> {
    const previous = this.agent;
    const now = new Date(this.context.clock());
    this.recorder?.resume(this.context.monotonic());
    this.agent = undefined;
    this.bridge?.stop();
    this.bridge = undefined;
    this.hold?.stop();
    this.state = 'transferring';
    void this.journal.record(
      (m) => this.calls.setState(m, this.did.tenantId, this.callId, 'transferring'),
      [
        this.event(Events.CallTransferred, {
          callId: this.callId,
          tenantId: this.did.tenantId,
          interactionId: this.interactionId,
          fromAgentId: previous?.agentId ?? '',
          number: target,
          transferredAt: toTimestamp(now),
        }),
      ],
    );
    await this.startHold();
    if (previous) {
      await previous.call.cancel().catch(() => undefined);
      await previous.endpoint.close();
    }
    const caller = this.callerEndpoint as RtpEndpoint;
    const endpoint = await this.context.openRtp(caller.codec);
    const offer = createOffer({ address: this.context.mediaAddress, port: endpoint.local.port, codecs: [caller.codec] });
    const call = this.context.ua.invite(uri, offer, { fromUser: this.did.e164.replace('+', '') });
    const leg: AgentLeg = { legId: randomUUID(), agentId: '', call, endpoint, answered: false };
    this.agent = leg;
    call.once('ended', () => this.onAgentGone(leg));
    try {
      const response = await call.whenAnswered();
      if (this.agent !== leg || this.isEnded) {
        await call.bye();
        return;
      }
      const session = readAnswer(response.body.toString(), { address: this.context.mediaAddress, port: endpoint.local.port, codecs: [caller.codec] });
      endpoint.setRemote(session.remoteAddress, session.remotePort);
      this.bridgeTo(leg);
      void this.journal.record((m) => this.calls.setState(m, this.did.tenantId, this.callId, 'connected'), []);
    } catch (error) {
      if (this.agent !== leg || this.isEnded) return;
      const status = error instanceof SipCallFailedError ? error.status : 500;
      if (!(error instanceof SipCallFailedError)) this.context.onError(error, { callId: this.callId, what: 'transfer leg' });
      await this.hangUp('system', `transfer-failed:${status}`);
    }
  }

  /**
   * Rings a third party and, once it answers, mixes caller, agent and party three ways. Resolves
   * with the party's id when it joined; PARTY_UNREACHABLE when it did not answer. Until then the
   * caller and agent stay bridged as before.
   */
  async addParty(target: ConferenceTarget): Promise<string> {
    this.requireConnected();
    if (this.state !== 'connected') throw new TelephonyError('CALL_NOT_CONNECTED', `call ${this.callId} is on hold`);
    if (this.party) throw new TelephonyError('CONFERENCE_FULL', `call ${this.callId} already has a third party`);
    const agentId = 'agentId' in target ? target.agentId : '';
    const uri = 'agentId' in target ? await this.context.agentTarget(this.did, target.agentId) : this.context.externalTarget(target.external);
    if (!uri) {
      throw 'agentId' in target
        ? new TelephonyError('ENDPOINT_NOT_FOUND', `agent ${target.agentId} has no phone`)
        : new TelephonyError('NO_TRUNK', `no trunk is configured to reach ${target.external}`);
    }
    const caller = this.callerEndpoint as RtpEndpoint;
    const endpoint = await this.context.openRtp(caller.codec);
    // Checked again after the awaits: another Conference may have taken the slot meanwhile.
    if (this.party || this.isEnded || this.state !== 'connected') {
      await endpoint.close();
      throw this.party ? new TelephonyError('CONFERENCE_FULL', `call ${this.callId} already has a third party`) : new TelephonyError('CALL_NOT_CONNECTED', `call ${this.callId} is not connected`);
    }
    const offer = createOffer({ address: this.context.mediaAddress, port: endpoint.local.port, codecs: [caller.codec] });
    const call = this.context.ua.invite(uri, offer, { fromUser: this.did.e164.replace('+', '') });
    const party: AgentLeg = { legId: randomUUID(), agentId, call, endpoint, answered: false };
    this.party = party;
    call.once('ended', () => this.onPartyGone(party));
    const ringTimer = setTimeout(() => void call.cancel(), this.context.agentRingTimeoutMs);
    try {
      const response = await call.whenAnswered();
      clearTimeout(ringTimer);
      if (this.party !== party || this.isEnded || this.state !== 'connected' || !this.agent?.answered) {
        await call.bye();
        throw new TelephonyError('CALL_NOT_CONNECTED', `call ${this.callId} is no longer connected`);
      }
      const session = readAnswer(response.body.toString(), { address: this.context.mediaAddress, port: endpoint.local.port, codecs: [caller.codec] });
      endpoint.setRemote(session.remoteAddress, session.remotePort);
      party.answered = true;
      this.startConference(party);
      const now = new Date(this.context.clock());
      void this.journal.record((m) => this.calls.addPartyLeg(m, this.did.tenantId, this.callId, party.legId, uri, agentId || undefined, now), [
        this.event(Events.CallPartyJoined, {
          callId: this.callId,
          tenantId: this.did.tenantId,
          interactionId: this.interactionId,
          partyId: party.legId,
          ...('external' in target ? { number: target.external } : { agentId }),
          joinedAt: toTimestamp(now),
        }),
      ]);
      return party.legId;
    } catch (error) {
      clearTimeout(ringTimer);
      if (this.party === party && !party.answered) {
        this.party = undefined;
        // Answered but unusable (an SDP we cannot read): hang that leg up too; a failed one has nothing to end.
        await Promise.all([call.cancel().catch(() => undefined), endpoint.close()]);
      }
      if (error instanceof TelephonyError) throw error;
      const status = error instanceof SipCallFailedError ? error.status : 500;
      if (!(error instanceof SipCallFailedError)) this.context.onError(error, { callId: this.callId, what: 'conference leg' });
      throw new TelephonyError('PARTY_UNREACHABLE', `${uri} answered ${status}`);
    }
  }

  get conferenceParties(): readonly string[] {
    return this.mixer ? [CALLER_PARTY, ...(this.agent?.answered ? [AGENT_PARTY] : []), ...(this.party?.answered ? [this.party.legId] : [])] : [];
  }

  async holdCaller(): Promise<void> {
    const leg = this.requireConnected();
    this.requireNoConference('Hold');
    if (this.state === 'held') return;
    this.state = 'held';
    this.bridge?.stop();
    const response = await leg.call.reinvite(createOffer({ address: this.context.mediaAddress, port: leg.endpoint.local.port, codecs: [leg.endpoint.codec], direction: 'sendonly' }));
    if (response.status >= 300) this.context.onError(new Error(`hold re-INVITE answered ${response.status}`), { callId: this.callId });
    await this.startHold();
    const now = new Date(this.context.clock());
    await this.journal.record((m) => this.calls.setState(m, this.did.tenantId, this.callId, 'held'), [
      this.event(Events.CallHeld, { callId: this.callId, tenantId: this.did.tenantId, interactionId: this.interactionId, heldAt: toTimestamp(now) }),
    ]);
  }

  async resumeCaller(): Promise<void> {
    const leg = this.requireConnected();
    if (this.state !== 'held') return;
    this.hold?.stop();
    const response = await leg.call.reinvite(createOffer({ address: this.context.mediaAddress, port: leg.endpoint.local.port, codecs: [leg.endpoint.codec] }));
    if (response.status >= 300) this.context.onError(new Error(`resume re-INVITE answered ${response.status}`), { callId: this.callId });
    this.state = 'connected';
    this.bridge?.start();
    const now = new Date(this.context.clock());
    await this.journal.record((m) => this.calls.setState(m, this.did.tenantId, this.callId, 'connected'), [
      this.event(Events.CallResumed, { callId: this.callId, tenantId: this.did.tenantId, interactionId: this.interactionId, resumedAt: toTimestamp(now) }),
    ]);
  }

  pauseRecording(): void {
    this.requireConnected();
    this.recorder?.pause(this.context.monotonic());
  }

  resumeRecording(): void {
    this.requireConnected();
    this.recorder?.resume(this.context.monotonic());
  }

  get recordingPaused(): boolean {
    return this.recorder?.paused ?? false;
  }

  async sendDtmf(digits: string): Promise<void> {
    if (this.isEnded) throw new TelephonyError('CALL_NOT_FOUND', `call ${this.callId} has ended`);
    const target = this.agent?.answered ? this.agent.endpoint : this.callerEndpoint;
    for (const digit of digits) await target?.sendDigit(digit as never);
  }

  /** Hang-up asked through call control (the agent's desktop or a supervisor). */
  async hangUp(by: CallEnd['endedBy'], reason: string): Promise<void> {
    if (this.isEnded) return;
    const leg = this.agent;
    await this.finish(by, reason);
    await Promise.all([this.caller.bye().catch(() => 0), leg?.call.cancel().catch(() => undefined)]);
  }

  get stats(): { callerToAgent: number; agentToCaller: number } {
    const s = this.bridge?.stats();
    return { callerToAgent: s?.aToB ?? 0, agentToCaller: s?.bToA ?? 0 };
  }

  /** RTP on the caller's leg: what we sent (prompts, music, the agent's audio) and received. */
  get callerMedia(): { sent: number; received: number } {
    const s = this.callerEndpoint?.stats();
    return { sent: s?.sent ?? 0, received: s?.received ?? 0 };
  }

  private requireNoConference(rpc: string): void {
    if (this.mixer) throw new TelephonyError('CONFERENCE_ACTIVE', `${rpc} is not possible while call ${this.callId} is a conference`);
  }

  private requireConnected(): AgentLeg {
    if (!this.agent?.answered || (this.state !== 'connected' && this.state !== 'held')) {
      throw new TelephonyError('CALL_NOT_CONNECTED', `call ${this.callId} is not connected to an agent`);
    }
    return this.agent;
  }

  private onIvrAction(action: IvrAction): void {
    if (action.type !== 'step') return;
    const now = new Date(this.context.clock());
    void this.journal.record(async () => undefined, [
      this.event(Events.CallIvrStepped, {
        callId: this.callId,
        tenantId: this.did.tenantId,
        interactionId: this.interactionId,
        flowId: this.flow.id,
        nodeId: action.nodeId,
        nodeType: action.nodeType,
        occurredAt: toTimestamp(now),
      }),
    ]);
  }

  private async enqueue(queueId: string, skills: readonly string[], priority: number): Promise<void> {
    if (this.state !== 'ivr') return;
    this.state = 'queued';
    this.queueId = queueId;
    this.queuedAt = this.context.clock();
    const now = new Date(this.queuedAt);
    const { tenantId, workspaceId } = this.did;
    await this.startHold();
    await this.journal.record(
      (m) => this.calls.setState(m, tenantId, this.callId, 'queued'),
      [
        this.event(Events.CallQueued, { callId: this.callId, tenantId, interactionId: this.interactionId, queueId, queuedAt: toTimestamp(now) }),
        this.event(Events.InteractionRequested, {
          interactionId: this.interactionId,
          tenantId,
          workspaceId,
          channel: commonV1.Channel.CHANNEL_VOICE,
          direction: commonV1.Direction.DIRECTION_INBOUND,
          queueId,
          priority,
          requiredSkills: Object.fromEntries(skills.map((skill) => [skill, 1])),
          customerIdentity: this.caller.request.headers.get('from') ?? '',
          preferredAgentId: '',
          requestedAt: toTimestamp(now),
        }),
      ],
    );
  }

  private async startHold(): Promise<void> {
    const endpoint = this.callerEndpoint as RtpEndpoint;
    this.hold = new HoldPlayer(this.context.prompts, endpoint, {
      musicId: this.context.holdMusicId,
      announceEveryMs: this.context.announceEveryMs,
      announcement: async () => queueAnnouncementPrompts((this.state === 'queued' && (await this.context.queueStatus(this.did, this.queueId, this.interactionId))) || {}),
    });
    await this.hold.start().catch((error: unknown) => this.context.onError(error, { callId: this.callId, what: 'hold music' }));
  }

  /** Caller ↔ the answered leg, recorded (the second channel is whoever the caller talks to). */
  private bridgeTo(leg: AgentLeg): void {
    leg.answered = true;
    this.hold?.stop();
    const caller = this.callerEndpoint as RtpEndpoint;
    this.bridge = new RtpBridge(caller, leg.endpoint);
    this.recorder ??= new TwoChannelRecorder(this.context.monotonic());
    const recorder = this.recorder;
    this.bridge.onRelay((from, packet, arrivalMs) => recorder.add(from === 'a' ? 'caller' : 'agent', packet, arrivalMs));
    this.bridge.start();
    this.state = 'connected';
  }

  /** Relaying gives way to mixing: each of the three hears the other two; the recording keeps the caller left and what the caller hears right. */
  private startConference(party: AgentLeg): void {
    const agent = this.agent as AgentLeg;
    this.bridge?.stop();
    this.bridge = undefined;
    this.recorder ??= new TwoChannelRecorder(this.context.monotonic());
    const recorder = this.recorder;
    const mixer = new ConferenceMixer({ now: this.context.monotonic });
    mixer.onReceived((partyId, packet, arrivalMs) => partyId === CALLER_PARTY && recorder.add('caller', packet, arrivalMs));
    mixer.onHeard((partyId, frame) => {
      if (partyId !== CALLER_PARTY) return;
      recorder.add('agent', { payloadType: G711_PAYLOAD_TYPES[frame.codec], timestamp: frame.timestamp, ssrc: MIX_SSRC, payload: frame.payload }, frame.atMs);
    });
    mixer.add(CALLER_PARTY, this.callerEndpoint as RtpEndpoint);
    mixer.add(AGENT_PARTY, agent.endpoint);
    mixer.add(party.legId, party.endpoint);
    this.mixer = mixer;
  }

  /** The third party hung up: the others go on; left alone, the caller is released. */
  private onPartyGone(party: AgentLeg): void {
    if (this.party !== party || !party.answered || this.isEnded) return;
    this.party = undefined;
    this.mixer?.remove(party.legId);
    void party.endpoint.close();
    this.partyLeft(party.legId, party.legId, party.agentId);
    if (!this.agent?.answered) this.endAlone(party.agentId ? 'agent' : 'system', 'conference-ended');
  }

  /** The handling agent hung up during a conference: the caller and the third party go on. */
  private onAgentLeftConference(leg: AgentLeg): void {
    this.agent = undefined;
    this.mixer?.remove(AGENT_PARTY);
    void leg.endpoint.close();
    this.partyLeft(AGENT_PARTY, leg.legId, leg.agentId);
    if (!this.party?.answered) this.endAlone('agent', 'hangup');
  }

  private partyLeft(partyId: string, legId: string, agentId: string): void {
    const now = new Date(this.context.clock());
    void this.journal.record((m) => this.calls.endLeg(m, this.did.tenantId, this.callId, legId, now), [
      this.event(Events.CallPartyLeft, { callId: this.callId, tenantId: this.did.tenantId, interactionId: this.interactionId, partyId, agentId, leftAt: toTimestamp(now) }),
    ]);
  }

  private endAlone(by: CallEnd['endedBy'], reason: string): void {
    void this.finish(by, reason).then(() => this.caller.bye().catch(() => 0));
  }

  private connect(leg: AgentLeg): void {
    this.bridgeTo(leg);
    const now = new Date(this.context.clock());
    void this.journal.record(
      async (m) => {
        await this.calls.setState(m, this.did.tenantId, this.callId, 'connected');
        await this.calls.answerLeg(m, this.did.tenantId, this.callId, leg.legId, now);
      },
      [this.event(Events.CallConnected, { callId: this.callId, tenantId: this.did.tenantId, interactionId: this.interactionId, agentId: leg.agentId, connectedAt: toTimestamp(now) })],
    );
  }

  /** The agent's phone did not take the call: routing requeues the interaction and offers it to someone else. */
  private async missed(agentId: string, status: number, now: Date): Promise<void> {
    const { tenantId, workspaceId } = this.did;
    await this.journal.record((m) => this.calls.setState(m, tenantId, this.callId, 'queued'), [
      this.event(Events.CallAgentMissed, { callId: this.callId, tenantId, interactionId: this.interactionId, agentId, sipStatus: status, missedAt: toTimestamp(now) }),
      this.event(Events.InteractionDeliveryFailed, {
        interactionId: this.interactionId,
        tenantId,
        workspaceId,
        agentId,
        reason: deliveryFailureReason(status),
        failedAt: toTimestamp(now),
      }),
    ]);
  }

  private onAgentGone(leg: AgentLeg): void {
    if (this.agent !== leg || !leg.answered || this.isEnded) return;
    if (this.mixer) {
      this.onAgentLeftConference(leg);
      return;
    }
    // The far end of a transfer to a number is not an agent of ours.
    const [by, reason] = leg.agentId ? (['agent', 'hangup'] as const) : (['system', 'transfer-target-hangup'] as const);
    void this.finish(by, reason).then(() => this.caller.bye().catch(() => 0));
  }

  private onCallerGone(why: 'hangup' | 'cancelled'): void {
    if (this.isEnded) return;
    if (this.state === 'ivr') {
      this.ivr?.abandon();
      void this.finish('customer', 'abandoned-in-ivr');
      return;
    }
    const leg = this.agent;
    const reason = this.state === 'queued' || this.state === 'ringing-agent' ? 'abandoned-in-queue' : this.state === 'transferring' ? 'abandoned-in-transfer' : why;
    void this.finish('customer', reason).then(() => leg?.call.cancel().catch(() => undefined));
  }

  private fail(error: unknown): void {
    this.context.onError(error, { callId: this.callId });
    void this.hangUp('system', 'internal-error');
  }

  /** Ends the call once: media stopped, recording saved, the final events written. */
  private finish(by: CallEnd['endedBy'], reason: string): Promise<void> {
    this.finished ??= this.doFinish(by, reason).finally(() => this.settleDone());
    return this.finished;
  }

  private async doFinish(by: CallEnd['endedBy'], reason: string): Promise<void> {
    const previous = this.state;
    this.state = 'ended';
    clearTimeout(this.ringTimer);
    this.hold?.stop();
    this.bridge?.stop();
    this.mixer?.stop();
    const now = new Date(this.context.clock());
    const { tenantId, workspaceId } = this.did;
    const events: OutboxEvent[] = [];
    if (previous === 'queued' || previous === 'ringing-agent') {
      events.push(this.event(Events.InteractionWithdrawn, { interactionId: this.interactionId, tenantId, workspaceId, reason: 'caller-hung-up', withdrawnAt: toTimestamp(now) }));
    }
    events.push(
      this.event(Events.CallEnded, { callId: this.callId, tenantId, interactionId: this.interactionId, endedBy: ENDED_BY[by], reason, endedAt: toTimestamp(now) }),
    );
    let recordingUri: string | undefined;
    if (this.recorder) {
      const recording = await this.recorder.finishInSlices(this.context.monotonic());
      try {
        const ref = await this.context.recordings.save({ tenantId, callId: this.callId, wav: recording.wav });
        recordingUri = ref.uri;
        events.push(
          this.event(Events.RecordingAvailable, {
            recordingId: this.callId,
            tenantId,
            interactionId: this.interactionId,
            uri: ref.uri,
            durationMs: Math.round(recording.durationMs),
            availableAt: toTimestamp(new Date(this.context.clock())),
          }),
        );
      } catch (error) {
        this.context.onError(error, { callId: this.callId, what: 'recording' });
      }
    }
    await this.journal.record(async (m) => {
      await this.calls.end(m, tenantId, this.callId, { endedAt: now, endedBy: by, reason });
      if (recordingUri) await this.calls.setRecording(m, tenantId, this.callId, recordingUri);
    }, events);
    // The third party's BYE is not awaited: a phone that never answers it must not hold the call open.
    void this.party?.call.cancel().catch(() => undefined);
    await Promise.all([this.callerEndpoint?.close(), this.agent?.endpoint.close(), this.party?.endpoint.close()]);
  }

  private event<T>(definition: EventDefinition<T>, payload: T): OutboxEvent {
    // The catalog union pairs each payload with its definition; the generic already checks that.
    return { definition, payload, workspaceId: this.did.workspaceId, tenantId: this.did.tenantId } as unknown as OutboxEvent;
  }
}
