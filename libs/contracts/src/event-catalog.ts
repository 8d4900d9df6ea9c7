import { BinaryReader, BinaryWriter } from '@bufbuild/protobuf/wire';
import * as agent from './gen/contactcenter/agent/v1/agent_events.generated';
import * as call from './gen/contactcenter/call/v1/call_events.generated';
import * as customer from './gen/contactcenter/customer/v1/customer_events.generated';
import * as interaction from './gen/contactcenter/interaction/v1/interaction_events.generated';
import * as message from './gen/contactcenter/message/v1/message_events.generated';
import * as platform from './gen/contactcenter/platform/v1/diagnostics_service.generated';
import * as qa from './gen/contactcenter/qa/v1/qa_events.generated';
import * as routingOwnership from './gen/contactcenter/routing/v1/routing_ownership.generated';

/** Topics per aggregate, so one aggregate's events stay in order (ADR 0003). */
export const Topics = {
  interaction: 'cc.interaction.events.v1',
  agent: 'cc.agent.events.v1',
  call: 'cc.call.events.v1',
  message: 'cc.message.events.v1',
  customer: 'cc.customer.events.v1',
  qa: 'cc.qa.events.v1',
  platform: 'cc.platform.events.v1',
  /** Routing-internal (ADR 0009): agent commands forwarded to the workspace's owner. */
  routingCommands: 'cc.routing.commands.v1',
  /** Routing-internal (ADR 0009): work stream updates and command answers for every instance. */
  routingWork: 'cc.routing.work.v1',
} as const;
export type Topic = (typeof Topics)[keyof typeof Topics];

/** The encode/decode pair ts-proto generates for every message. */
export interface MessageCodec<T> {
  encode(message: T, writer?: BinaryWriter): BinaryWriter;
  decode(input: BinaryReader | Uint8Array, length?: number): T;
}

/** One event kind: its fully qualified protobuf name, its topic and its codec. */
export interface EventDefinition<T> {
  readonly type: string;
  readonly topic: Topic;
  readonly codec: MessageCodec<T>;
}

function define<T>(pkg: string, name: string, topic: Topic, codec: MessageCodec<T>): EventDefinition<T> {
  return { type: `${pkg}.${name}`, topic, codec };
}

export const Events = {
  InteractionRequested: define(interaction.protobufPackage, 'InteractionRequested', Topics.interaction, interaction.InteractionRequested),
  InteractionQueued: define(interaction.protobufPackage, 'InteractionQueued', Topics.interaction, interaction.InteractionQueued),
  InteractionOffered: define(interaction.protobufPackage, 'InteractionOffered', Topics.interaction, interaction.InteractionOffered),
  InteractionAssigned: define(interaction.protobufPackage, 'InteractionAssigned', Topics.interaction, interaction.InteractionAssigned),
  InteractionCompleted: define(interaction.protobufPackage, 'InteractionCompleted', Topics.interaction, interaction.InteractionCompleted),
  InteractionAbandoned: define(interaction.protobufPackage, 'InteractionAbandoned', Topics.interaction, interaction.InteractionAbandoned),
  InteractionWithdrawn: define(interaction.protobufPackage, 'InteractionWithdrawn', Topics.interaction, interaction.InteractionWithdrawn),
  InteractionDeliveryFailed: define(interaction.protobufPackage, 'InteractionDeliveryFailed', Topics.interaction, interaction.InteractionDeliveryFailed),
  InteractionRejected: define(interaction.protobufPackage, 'InteractionRejected', Topics.interaction, interaction.InteractionRejected),
  InteractionOfferEnded: define(interaction.protobufPackage, 'InteractionOfferEnded', Topics.interaction, interaction.InteractionOfferEnded),
  InteractionTransferred: define(interaction.protobufPackage, 'InteractionTransferred', Topics.interaction, interaction.InteractionTransferred),
  InteractionWrappedUp: define(interaction.protobufPackage, 'InteractionWrappedUp', Topics.interaction, interaction.InteractionWrappedUp),
  AgentStateChanged: define(agent.protobufPackage, 'AgentStateChanged', Topics.agent, agent.AgentStateChanged),
  AgentLoggedIn: define(agent.protobufPackage, 'AgentLoggedIn', Topics.agent, agent.AgentLoggedIn),
  AgentLoggedOut: define(agent.protobufPackage, 'AgentLoggedOut', Topics.agent, agent.AgentLoggedOut),
  CallStarted: define(call.protobufPackage, 'CallStarted', Topics.call, call.CallStarted),
  CallEnded: define(call.protobufPackage, 'CallEnded', Topics.call, call.CallEnded),
  CallIvrStepped: define(call.protobufPackage, 'CallIvrStepped', Topics.call, call.CallIvrStepped),
  CallQueued: define(call.protobufPackage, 'CallQueued', Topics.call, call.CallQueued),
  CallAgentRinging: define(call.protobufPackage, 'CallAgentRinging', Topics.call, call.CallAgentRinging),
  CallAgentMissed: define(call.protobufPackage, 'CallAgentMissed', Topics.call, call.CallAgentMissed),
  CallConnected: define(call.protobufPackage, 'CallConnected', Topics.call, call.CallConnected),
  CallHeld: define(call.protobufPackage, 'CallHeld', Topics.call, call.CallHeld),
  CallResumed: define(call.protobufPackage, 'CallResumed', Topics.call, call.CallResumed),
  CallTransferred: define(call.protobufPackage, 'CallTransferred', Topics.call, call.CallTransferred),
  CallPartyJoined: define(call.protobufPackage, 'CallPartyJoined', Topics.call, call.CallPartyJoined),
  CallPartyLeft: define(call.protobufPackage, 'CallPartyLeft', Topics.call, call.CallPartyLeft),
  MessageReceived: define(message.protobufPackage, 'MessageReceived', Topics.message, message.MessageReceived),
  MessageSent: define(message.protobufPackage, 'MessageSent', Topics.message, message.MessageSent),
  MessageStatusChanged: define(message.protobufPackage, 'MessageStatusChanged', Topics.message, message.MessageStatusChanged),
  CustomerTypingChanged: define(message.protobufPackage, 'CustomerTypingChanged', Topics.message, message.CustomerTypingChanged),
  AgentTypingChanged: define(message.protobufPackage, 'AgentTypingChanged', Topics.message, message.AgentTypingChanged),
  CustomerCreated: define(customer.protobufPackage, 'CustomerCreated', Topics.customer, customer.CustomerCreated),
  CustomerMerged: define(customer.protobufPackage, 'CustomerMerged', Topics.customer, customer.CustomerMerged),
  CustomerErased: define(customer.protobufPackage, 'CustomerErased', Topics.customer, customer.CustomerErased),
  InteractionCustomerLinked: define(customer.protobufPackage, 'InteractionCustomerLinked', Topics.customer, customer.InteractionCustomerLinked),
  RecordingAvailable: define(qa.protobufPackage, 'RecordingAvailable', Topics.qa, qa.RecordingAvailable),
  EvaluationCompleted: define(qa.protobufPackage, 'EvaluationCompleted', Topics.qa, qa.EvaluationCompleted),
  SurveyCompleted: define(qa.protobufPackage, 'SurveyCompleted', Topics.qa, qa.SurveyCompleted),
  PingEmitted: define(platform.protobufPackage, 'PingEmitted', Topics.platform, platform.PingEmitted),
  AgentCommandForwarded: define(routingOwnership.protobufPackage, 'AgentCommandForwarded', Topics.routingCommands, routingOwnership.AgentCommandForwarded),
  AgentCommandAnswered: define(routingOwnership.protobufPackage, 'AgentCommandAnswered', Topics.routingWork, routingOwnership.AgentCommandAnswered),
  AgentWorkCommitted: define(routingOwnership.protobufPackage, 'AgentWorkCommitted', Topics.routingWork, routingOwnership.AgentWorkCommitted),
} as const;

const byType = new Map<string, EventDefinition<unknown>>(
  Object.values(Events).map((d) => [d.type, d as EventDefinition<unknown>]),
);

/** Looks an event kind up by its type header; undefined for kinds this build does not know. */
export function eventDefinition(type: string): EventDefinition<unknown> | undefined {
  return byType.get(type);
}
