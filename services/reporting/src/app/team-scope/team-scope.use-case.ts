import type { DataSource } from 'typeorm';
import { withTenantTransaction } from '@contactcenter/tenancy';
import { MetricsAccessError } from '../get-metrics/metrics-query.error';
import { AgentTeamRepository } from '../../persistence/agent-team.repository';

/**
 * The agents a team lead may see: those of the team `SetAgentTeam` put the lead in (the lead
 * included). Read when a request or stream starts; a lead in no team sees no agent.
 */
export class TeamScopeUseCase {
  private readonly teams = new AgentTeamRepository();

  constructor(private readonly dataSource: DataSource) {}

  async agentsOf(tenantId: string, leadId: string): Promise<readonly string[]> {
    const agents = await withTenantTransaction(this.dataSource, (manager) => this.teams.teammatesOf(manager, tenantId, leadId));
    if (agents.length === 0) throw new MetricsAccessError('team-lead-without-team', 'the team lead is in no team; SetAgentTeam puts it in one');
    return agents;
  }
}
