import type { Principal } from '@contactcenter/auth';
import type { AgentCaller } from '../app/handle-agent-work/agent-work.use-case';
import type { AgentCommandRouter } from '../ownership/agent-command.router';
import type { AgentCommand, AgentCommandResult } from './agent-command.handler';
import { mapRpcErrors } from './rpc-error.mapper';

/** The caller as the command runs for it: the token's subject in the token's workspace, with its grants. */
export const callerOf = (principal: Principal): AgentCaller => ({
  workspaceId: principal.workspaceId,
  agentId: principal.subject,
  allTenants: principal.allTenants,
  grantedTenantIds: principal.grantedTenantIds,
});

/**
 * Runs one command of an RPC on the workspace's owner (here or forwarded, ADR 0009) and
 * answers with the command's result; errors leave as gRPC status.
 */
export function runOnOwner<K extends keyof AgentCommand & keyof AgentCommandResult>(
  router: AgentCommandRouter,
  principal: Principal,
  /** The tenant the command names; read inside, so a missing one is answered as a status too. */
  tenantOf: () => string | undefined,
  name: K,
  request: NonNullable<AgentCommand[K]>,
): Promise<NonNullable<AgentCommandResult[K]>> {
  return mapRpcErrors(async () => {
    const result = await router.run(callerOf(principal), tenantOf(), { [name]: request } as AgentCommand);
    return result[name] as NonNullable<AgentCommandResult[K]>;
  });
}
