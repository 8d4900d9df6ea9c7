import { Events, routingAgentV1 as agent } from '@contactcenter/contracts';
import { type AgentCaller, AgentWorkUseCase, type PresenceChange } from '../app/handle-agent-work/agent-work.use-case';
import type { ManageConfigurationUseCase } from '../app/manage-configuration/manage-configuration.use-case';
import { RoutingConfigError } from '../app/routing-config.error';
import type { CommandOnce } from '../app/routing-runtime';
import { assignmentMessage, businessHoursMessage, businessHoursOf, channelOf, profileMessage, profileOf, queueDefinitionOf, queueMessage, statusMessage } from './routing-proto.mapper';

type Forwarded = ReturnType<(typeof Events.AgentCommandForwarded)['codec']['decode']>;
type Answered = ReturnType<(typeof Events.AgentCommandAnswered)['codec']['decode']>;

const AGENT_COMMANDS = ['login', 'setState', 'acceptOffer', 'rejectOffer', 'complete', 'submitWrapUp', 'transfer'] as const;
const ADMIN_COMMANDS = ['putQueue', 'deleteQueue', 'putSkill', 'deleteSkill', 'putBusinessHours', 'deleteBusinessHours', 'putAgentProfile', 'deleteAgentProfile'] as const;

/**
 * One command that changes a workspace's routing state, as its gRPC request, exactly one field
 * set: an agent's command or an administrator's change. It runs on the workspace's owner and
 * travels there in the same shape when it arrives elsewhere (ADR 0009).
 */
export type AgentCommand = Pick<Forwarded, (typeof AGENT_COMMANDS)[number] | (typeof ADMIN_COMMANDS)[number]>;
/** The gRPC response of the command, in the field named like the command. */
export type AgentCommandResult = Omit<Answered, 'requestId' | 'replyTo' | 'group' | 'failure'>;

const required = (name: string, value: string | undefined) => {
  if (!value) throw new RoutingConfigError('CONFIG_INVALID', `${name} is required`);
  return value;
};

function presenceOf(request: agent.SetStateRequest): PresenceChange {
  switch (request.presence) {
    case agent.AgentPresence.AGENT_PRESENCE_AVAILABLE:
      return { state: 'available' };
    case agent.AgentPresence.AGENT_PRESENCE_AWAY:
      return { state: 'away', reasonCode: request.reasonCode ?? '' };
    case agent.AgentPresence.AGENT_PRESENCE_OFFLINE:
      return { state: 'offline' };
    default:
      throw new RoutingConfigError('CONFIG_INVALID', 'presence is required');
  }
}

/**
 * The command's id (the request's command_id unless the forwarder gave one) with what it asks,
 * the owner's inbox key; none for a command without an id. `command` must be complete (every
 * field as the codec decodes it), so a retry that came another way compares equal.
 */
export function onceOf(caller: AgentCaller, tenantId: string | undefined, command: AgentCommand, commandId?: string): CommandOnce | undefined {
  const name = AGENT_COMMANDS.find((key) => command[key]);
  if (!name) return undefined;
  const { commandId: requested, ...request } = command[name]!;
  const id = commandId || requested;
  return id ? { commandId: id, fingerprint: JSON.stringify([name, caller.agentId, tenantId ?? '', request]) } : undefined;
}

/**
 * Runs a command on the instance that owns the workspace: the gRPC requests in, the gRPC
 * responses out, errors thrown as routing errors. Agent work commands name the interaction's
 * tenant and queue commands the queue's (x-tenant-id, already checked against the token's
 * grants). An agent command with an id is applied once; a repeat gets the first answer.
 */
export class AgentCommandHandler {
  constructor(
    private readonly work: AgentWorkUseCase,
    private readonly config: ManageConfigurationUseCase,
  ) {}

  async handle(caller: AgentCaller, tenantId: string | undefined, command: AgentCommand, once?: CommandOnce): Promise<AgentCommandResult> {
    const tenant = (rpc: string) => {
      if (!tenantId) throw new RoutingConfigError('CONFIG_INVALID', `${rpc} needs the tenant in x-tenant-id`);
      return tenantId;
    };
    const { workspaceId } = caller;
    if (command.login) {
      const { tenantIds, channels } = command.login;
      return { login: { status: statusMessage(await this.work.login(caller, tenantIds ?? [], (channels ?? []).map(channelOf), once)) } };
    }
    if (command.setState) return { setState: { status: statusMessage(await this.work.setState(caller, presenceOf(command.setState), once)) } };
    if (command.acceptOffer) {
      const assignment = await this.work.accept(caller, tenant('AcceptOffer'), required('offer_id', command.acceptOffer.offerId), once);
      return { acceptOffer: { assignment: assignmentMessage(assignment) } };
    }
    if (command.rejectOffer) {
      await this.work.reject(caller, tenant('RejectOffer'), required('offer_id', command.rejectOffer.offerId), once);
      return { rejectOffer: {} };
    }
    if (command.complete) {
      return { complete: { wrapUpRequired: await this.work.complete(caller, tenant('Complete'), required('interaction_id', command.complete.interactionId), once) } };
    }
    if (command.submitWrapUp) {
      const { interactionId, disposition, notes } = command.submitWrapUp;
      await this.work.submitWrapUp(caller, tenant('SubmitWrapUp'), required('interaction_id', interactionId), disposition ?? '', notes ?? '', once);
      return { submitWrapUp: {} };
    }
    if (command.transfer) {
      const { interactionId, queueId, agentId } = command.transfer;
      const to = queueId ? { queueId } : { agentId: required('queue_id or agent_id', agentId) };
      await this.work.transfer(caller, tenant('Transfer'), required('interaction_id', interactionId), to, once);
      return { transfer: {} };
    }
    if (command.putQueue) {
      return { putQueue: { queue: queueMessage(await this.config.putQueue(workspaceId, queueDefinitionOf(command.putQueue.queue, tenant('PutQueue')))) } };
    }
    if (command.deleteQueue) {
      await this.config.deleteQueue(workspaceId, tenant('DeleteQueue'), required('queue_id', command.deleteQueue.queueId), command.deleteQueue.allowMissing);
      return { deleteQueue: {} };
    }
    if (command.putSkill) {
      const { name, description } = command.putSkill.skill ?? {};
      return { putSkill: { skill: await this.config.putSkill(workspaceId, { name: required('skill.name', name), description: description ?? '' }) } };
    }
    if (command.deleteSkill) {
      await this.config.deleteSkill(workspaceId, required('name', command.deleteSkill.name), command.deleteSkill.allowMissing);
      return { deleteSkill: {} };
    }
    if (command.putBusinessHours) {
      return { putBusinessHours: { businessHours: businessHoursMessage(await this.config.putBusinessHours(workspaceId, businessHoursOf(command.putBusinessHours.businessHours))) } };
    }
    if (command.deleteBusinessHours) {
      await this.config.deleteBusinessHours(workspaceId, required('business_hours_id', command.deleteBusinessHours.businessHoursId), command.deleteBusinessHours.allowMissing);
      return { deleteBusinessHours: {} };
    }
    if (command.putAgentProfile) {
      return { putAgentProfile: { profile: profileMessage(await this.config.putProfile(workspaceId, caller, profileOf(command.putAgentProfile.profile))) } };
    }
    if (command.deleteAgentProfile) {
      await this.config.deleteProfile(workspaceId, required('agent_id', command.deleteAgentProfile.agentId), command.deleteAgentProfile.allowMissing);
      return { deleteAgentProfile: {} };
    }
    throw new RoutingConfigError('CONFIG_INVALID', 'no command given');
  }
}
