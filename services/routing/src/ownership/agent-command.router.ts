import { randomUUID } from 'node:crypto';
import { Events, routingAdminV1 as admin, routingAgentV1 as agent } from '@contactcenter/contracts';
import type { ConsumedEvent, EventBus } from '@contactcenter/messaging';
import type { AgentCaller } from '../app/handle-agent-work/agent-work.use-case';
import { RoutingConfigError, type RoutingConfigErrorCode } from '../app/routing-config.error';
import { RoutingUnavailableError } from '../app/routing-unavailable.error';
import { RoutingError, type RoutingErrorCode } from '../domain';
import { type AgentCommand, type AgentCommandHandler, type AgentCommandResult, onceOf } from '../grpc/agent-command.handler';
import { CONFIG_ERROR_STATUS } from '../grpc/rpc-error.mapper';
import type { OrderedPublisher } from './ordered-publisher';
import type { WorkspaceOwnership } from './workspace-ownership';

type Answered = ReturnType<(typeof Events.AgentCommandAnswered)['codec']['decode']>;

export interface AgentCommandRouterOptions {
  readonly bus: EventBus;
  readonly ownership: WorkspaceOwnership;
  readonly handler: AgentCommandHandler;
  /** Sends answers after the work updates of the same commit. */
  readonly publisher: OrderedPublisher;
  /** This instance, which answers are addressed to. */
  readonly instanceId: string;
  /** The routing consumer group: the deployment whose forwarded commands this instance runs and whose answers it takes. */
  readonly groupId: string;
  /** How long a forwarded command waits for its answer (default 10 s). */
  readonly timeoutMs?: number;
}

interface Waiting {
  readonly resolve: (answer: Answered) => void;
  readonly timer: NodeJS.Timeout;
}

/**
 * Runs a command that changes routing state (an agent's, or an administrator's change) where
 * its workspace lives (ADR 0009): here when this instance owns the workspace, otherwise
 * through the routing command topic to the owner, whose answer comes back on the work topic.
 * The owner applies it with the same handler, so errors are the same. An agent command
 * carries an id to the owner (the client's command_id, else the forwarding's request id), so a
 * client's retry or a redelivered record gets the first answer instead of a second change.
 */
export class AgentCommandRouter {
  private readonly waiting = new Map<string, Waiting>();

  constructor(private readonly options: AgentCommandRouterOptions) {}

  async run(caller: AgentCaller, tenantId: string | undefined, command: AgentCommand): Promise<AgentCommandResult> {
    const { ownership, handler } = this.options;
    const full = complete(command);
    if (await ownership.owns(caller.workspaceId)) return handler.handle(caller, tenantId, full, onceOf(caller, tenantId, full));
    return this.forward(caller, tenantId, full);
  }

  /** The owner's side: applies a forwarded command and answers it. */
  async execute(event: ConsumedEvent): Promise<void> {
    const forwarded = Events.AgentCommandForwarded.codec.decode(event.payload);
    const { requestId, replyTo, agentId, allTenants, grantedTenantIds, tenantId: tenant, commandId, group, ...command } = forwarded;
    const { groupId } = this.options;
    if (group !== groupId) return;
    const caller: AgentCaller = { workspaceId: event.workspaceId, agentId, allTenants, grantedTenantIds };
    const tenantId = tenant || undefined;
    let answer: Answered;
    try {
      answer = { requestId, replyTo, group, ...(await this.options.handler.handle(caller, tenantId, command, onceOf(caller, tenantId, command, commandId))) };
    } catch (error) {
      if (!(error instanceof RoutingError || error instanceof RoutingConfigError)) throw error;
      answer = { requestId, replyTo, group, failure: { code: error.code, detail: error.detail } };
    }
    this.options.publisher.enqueue({
      id: randomUUID(),
      type: Events.AgentCommandAnswered.type,
      topic: Events.AgentCommandAnswered.topic,
      key: event.workspaceId,
      time: new Date(),
      workspaceId: event.workspaceId,
      tenantId: event.tenantId,
      payload: Events.AgentCommandAnswered.codec.encode(answer).finish(),
    });
  }

  /** An answer on the work topic; those for other instances are ignored. */
  answered(event: ConsumedEvent): void {
    const answer = Events.AgentCommandAnswered.codec.decode(event.payload);
    if (answer.replyTo !== this.options.instanceId || answer.group !== this.options.groupId) return;
    const waiting = this.waiting.get(answer.requestId);
    if (!waiting) return;
    this.waiting.delete(answer.requestId);
    clearTimeout(waiting.timer);
    waiting.resolve(answer);
  }

  close(): void {
    for (const [requestId, waiting] of this.waiting) {
      clearTimeout(waiting.timer);
      this.waiting.delete(requestId);
      waiting.resolve({ requestId, replyTo: this.options.instanceId, group: this.options.groupId, failure: { code: 'WORKSPACE_UNAVAILABLE', detail: 'routing is shutting down' } });
    }
  }

  private async forward(caller: AgentCaller, tenantId: string | undefined, command: AgentCommand): Promise<AgentCommandResult> {
    const { bus, instanceId, groupId, timeoutMs = 10_000 } = this.options;
    const requestId = randomUUID();
    const answer = new Promise<Answered>((resolve) => {
      const timer = setTimeout(() => {
        this.waiting.delete(requestId);
        resolve({ requestId, replyTo: instanceId, group: groupId, failure: { code: 'WORKSPACE_UNAVAILABLE', detail: `the owner of workspace ${caller.workspaceId} did not answer within ${timeoutMs} ms` } });
      }, timeoutMs);
      this.waiting.set(requestId, { resolve, timer });
    });
    const forwarded = {
      requestId,
      replyTo: instanceId,
      agentId: caller.agentId,
      allTenants: caller.allTenants,
      grantedTenantIds: [...caller.grantedTenantIds],
      tenantId: tenantId ?? '',
      commandId: onceOf(caller, tenantId, command)?.commandId ?? requestId,
      group: groupId,
      ...command,
    };
    try {
      await bus.publish([
        {
          id: requestId,
          type: Events.AgentCommandForwarded.type,
          topic: Events.AgentCommandForwarded.topic,
          key: caller.workspaceId,
          time: new Date(),
          workspaceId: caller.workspaceId,
          tenantId: tenantId ?? '',
          payload: Events.AgentCommandForwarded.codec.encode(forwarded).finish(),
        },
      ]);
    } catch (error) {
      clearTimeout(this.waiting.get(requestId)?.timer);
      this.waiting.delete(requestId);
      throw new RoutingUnavailableError(`cannot reach the owner of workspace ${caller.workspaceId}: ${String(error)}`);
    }
    const { failure, requestId: _id, replyTo: _to, group: _group, ...result } = await answer;
    if (failure) throw errorOf(failure.code, failure.detail);
    return result;
  }
}

/** gRPC requests as the server decoded them may lack empty fields; the codec (and a command's fingerprint) needs every one. */
function complete(command: AgentCommand): AgentCommand {
  return {
    login: command.login && agent.LoginRequest.fromPartial(command.login),
    setState: command.setState && agent.SetStateRequest.fromPartial(command.setState),
    acceptOffer: command.acceptOffer && agent.AcceptOfferRequest.fromPartial(command.acceptOffer),
    rejectOffer: command.rejectOffer && agent.RejectOfferRequest.fromPartial(command.rejectOffer),
    complete: command.complete && agent.CompleteRequest.fromPartial(command.complete),
    submitWrapUp: command.submitWrapUp && agent.SubmitWrapUpRequest.fromPartial(command.submitWrapUp),
    transfer: command.transfer && agent.TransferRequest.fromPartial(command.transfer),
    putQueue: command.putQueue && admin.PutQueueRequest.fromPartial(command.putQueue),
    deleteQueue: command.deleteQueue && admin.DeleteQueueRequest.fromPartial(command.deleteQueue),
    putSkill: command.putSkill && admin.PutSkillRequest.fromPartial(command.putSkill),
    deleteSkill: command.deleteSkill && admin.DeleteSkillRequest.fromPartial(command.deleteSkill),
    putBusinessHours: command.putBusinessHours && admin.PutBusinessHoursRequest.fromPartial(command.putBusinessHours),
    deleteBusinessHours: command.deleteBusinessHours && admin.DeleteBusinessHoursRequest.fromPartial(command.deleteBusinessHours),
    putAgentProfile: command.putAgentProfile && admin.PutAgentProfileRequest.fromPartial(command.putAgentProfile),
    deleteAgentProfile: command.deleteAgentProfile && admin.DeleteAgentProfileRequest.fromPartial(command.deleteAgentProfile),
  };
}

/** The owner's error as the same class, so the gRPC edge maps it to the same status. */
function errorOf(code: string, detail: string): Error {
  if (code === 'WORKSPACE_UNAVAILABLE') return new RoutingUnavailableError(detail);
  if (code in CONFIG_ERROR_STATUS) return new RoutingConfigError(code as RoutingConfigErrorCode, detail);
  return new RoutingError(code as RoutingErrorCode, detail);
}
