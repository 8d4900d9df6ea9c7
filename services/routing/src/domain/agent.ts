import { AgentConfig, QueueMembership } from './agent.config';
import { AgentState, deriveAgentState, Presence } from './agent.state-machine';
import { Channel, CHANNELS, PerChannel, perChannel } from './channel';
import type { RoutingQueue } from './routing-queue';

/** Routing state of one agent: its profile, presence and load, plus the keys it is indexed under. */
export class Agent {
  config!: AgentConfig;
  capacity!: PerChannel<number>;
  maxTotal = 0;
  voiceExclusive = false;
  skills = new Map<string, number>();
  granted = new Set<string>();
  /** Profile queues, highest priority (lowest number) first. */
  memberships: QueueMembership[] = [];
  membershipOf = new Map<string, QueueMembership>();
  /** The queues of `memberships`, in the same order; set by the engine, which owns the queues. */
  memberQueues: RoutingQueue[] = [];
  channels: Channel[] = [];

  presence: Presence = 'offline';
  reasonCode: string | undefined;
  /** Last time the load on a channel changed or the agent became ready for it. */
  idleSince: PerChannel<number> = perChannel(() => 0);
  load: PerChannel<number> = perChannel(() => 0);
  loadTotal = 0;
  assigned = 0;
  wrappingUp = 0;
  /** Interactions offered to, assigned to or wrapped up by the agent. */
  readonly work = new Set<string>();
  /** The state and reason last reported in an agentStateChanged event. */
  reportedState: AgentState = 'offline';
  reportedReasonCode: string | undefined;

  // The key values the agent was inserted under in the ready sets; see RoutingEngine.reindexAgent.
  indexedIdle: PerChannel<number> = perChannel(() => 0);
  indexedLoadTotal = 0;
  readonly readyOn = new Set<Channel>();

  constructor(
    config: AgentConfig,
    /** Creation order; the final tie-break of every agent ordering. */
    readonly seq: number,
  ) {
    this.configure(config);
  }

  get id(): string {
    return this.config.agentId;
  }

  configure(config: AgentConfig): void {
    this.config = config;
    this.capacity = perChannel((channel) => config.capacity[channel] ?? 0);
    this.channels = CHANNELS.filter((channel) => this.capacity[channel] > 0);
    this.maxTotal = config.maxTotal ?? this.channels.reduce((sum, channel) => sum + this.capacity[channel], 0);
    this.voiceExclusive = config.crossChannel === 'voice-exclusive';
    this.skills = new Map(Object.entries(config.skills));
    this.granted = new Set(config.tenantIds);
    this.memberships = [...config.queues].sort((a, b) => a.priority - b.priority);
    this.membershipOf = new Map(config.queues.map((membership) => [membership.queueId, membership]));
  }

  /** Whether one more item of the channel fits: channel capacity, total capacity and the cross-channel rule. */
  canTake(channel: Channel): boolean {
    if (this.load[channel] >= this.capacity[channel] || this.loadTotal >= this.maxTotal) return false;
    if (this.voiceExclusive) return channel === 'voice' ? this.loadTotal === 0 : this.load.voice === 0;
    return true;
  }

  isReadyFor(channel: Channel): boolean {
    return this.presence === 'available' && this.canTake(channel);
  }

  reserve(channel: Channel, now: number): void {
    this.load[channel]++;
    this.loadTotal++;
    this.idleSince[channel] = now;
  }

  release(channel: Channel, now: number): void {
    this.load[channel]--;
    this.loadTotal--;
    this.idleSince[channel] = now;
  }

  state(): AgentState {
    return deriveAgentState(this.presence, this.assigned, this.wrappingUp);
  }

  /** The away reason, reported only while the derived state is away. */
  stateReason(): string | undefined {
    return this.state() === 'away' ? this.reasonCode : undefined;
  }
}
