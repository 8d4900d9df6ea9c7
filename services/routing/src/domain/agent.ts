import { AgentConfig, QueueMembership } from './agent.config';
import { AgentState, deriveAgentState, Presence } from './agent.state-machine';
import { ChannelIndex, CHANNELS, perChannelArray, VOICE } from './channel';
import type { ChannelMembership } from './channel-membership';
import type { RoutingQueue } from './routing-queue';

// Compiled to CommonJS, each use of an imported binding reads it from the module's exports (a
// getter call under swc) again: the capacity check, run for every offer and release, reads a copy.
const voice = VOICE;

/**
 * Routing state of one agent: its profile, presence and load, plus the keys it is indexed under.
 * Per-channel values are arrays indexed by ChannelIndex.
 */
export class Agent {
  config!: AgentConfig;
  /** The config's agentId, kept here because hot paths read it and the config object is cold. */
  id!: string;
  capacity!: number[];
  maxTotal = 0;
  voiceExclusive = false;
  skills = new Map<string, number>();
  granted = new Set<string>();
  /** Profile queues, highest priority (lowest number) first. */
  memberships: QueueMembership[] = [];
  /** The queues of `memberships`, in the same order; set by the engine, which owns the queues. */
  memberQueues: RoutingQueue[] = [];
  // Set by the engine with `memberQueues`: the agent's memberships per queue and channel, in
  // profile order (queue rank, then the queue's channel order) and grouped by channel, and per
  // channel whether any of their ready sets is ordered by load.
  profile: ChannelMembership[] = [];
  profileByChannel: ChannelMembership[][] = perChannelArray(() => []);
  loadOrdered: boolean[] = perChannelArray(() => false);
  /** The channels with capacity. */
  channels: ChannelIndex[] = [];

  presence: Presence = 'offline';
  reasonCode: string | undefined;
  /** Last time the load on a channel changed or the agent became ready for it. */
  idleSince: number[] = perChannelArray(() => 0);
  load: number[] = perChannelArray(() => 0);
  loadTotal = 0;
  assigned = 0;
  wrappingUp = 0;
  /** The state and reason last reported in an agentStateChanged event. */
  reportedState: AgentState = 'offline';
  reportedReasonCode: string | undefined;

  /** Per channel, whether the agent is ready for it (available, room) as of its last change. */
  readonly readyOn: boolean[] = perChannelArray(() => false);
  // What the ready sets reflect, which lags behind within a command; see RoutingEngine.noteAgentChange.
  readonly indexedReady: boolean[] = perChannelArray(() => false);
  indexedIdle: number[] = perChannelArray(() => 0);
  indexedLoadTotal = 0;
  /** Its ready-set entries wait for RoutingEngine.syncReadySets. */
  stale = false;
  /** Listed for matching at the end of the current command. */
  touched = false;

  constructor(
    config: AgentConfig,
    /** Creation order; the final tie-break of every agent ordering. */
    readonly seq: number,
  ) {
    this.configure(config);
  }

  configure(config: AgentConfig): void {
    this.config = config;
    this.id = config.agentId;
    this.capacity = perChannelArray((channel) => config.capacity[channel] ?? 0);
    this.channels = CHANNELS.map((_, index) => index).filter((index) => this.capacity[index] > 0);
    this.maxTotal = config.maxTotal ?? this.channels.reduce((sum, channel) => sum + this.capacity[channel], 0);
    this.voiceExclusive = config.crossChannel === 'voice-exclusive';
    this.skills = new Map(Object.entries(config.skills));
    this.granted = new Set(config.tenantIds);
    this.memberships = [...config.queues].sort((a, b) => a.priority - b.priority);
  }

  /** Whether one more item of the channel fits: channel capacity, total capacity and the cross-channel rule. */
  canTake(channel: ChannelIndex): boolean {
    if (this.load[channel] >= this.capacity[channel] || this.loadTotal >= this.maxTotal) return false;
    if (this.voiceExclusive) return channel === voice ? this.loadTotal === 0 : this.load[voice] === 0;
    return true;
  }

  isReadyFor(channel: ChannelIndex): boolean {
    return this.presence === 'available' && this.canTake(channel);
  }

  reserve(channel: ChannelIndex, now: number): void {
    this.load[channel]++;
    this.loadTotal++;
    this.idleSince[channel] = now;
  }

  release(channel: ChannelIndex, now: number): void {
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
