import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { Events, toTimestamp } from '@contactcenter/contracts';
import { OutboxWriter } from '@contactcenter/messaging';
import { withTenantTransaction } from '@contactcenter/tenancy';
import { planMerge } from '../../domain/customer-merge.policy';
import { HistoryNotFoundError } from '../../domain/history.errors';
import { CustomerDataRepository } from '../../persistence/customer-data.repository';
import { CustomerRepository } from '../../persistence/customer.repository';
import type { CustomerView } from '../../persistence/history-views';

export interface MergeCustomersCommand {
  readonly tenantId: string;
  readonly sourceId: string;
  readonly targetId: string;
  readonly mergedBy: string;
  readonly reason: string;
  readonly at: Date;
}

/** Source → target: every row moves, an audit row and CustomerMerged commit with it. */
export class MergeCustomersUseCase {
  private readonly customers = new CustomerRepository();
  private readonly data = new CustomerDataRepository();
  private readonly outbox = new OutboxWriter();

  constructor(private readonly dataSource: DataSource) {}

  async execute(command: MergeCustomersCommand): Promise<{ customer: CustomerView; mergeId: string }> {
    const { tenantId, sourceId, targetId, at } = command;
    return withTenantTransaction(this.dataSource, async (manager) => {
      const rows = await this.customers.lockForMerge(manager, tenantId, [sourceId, targetId]);
      const plan = planMerge(sourceId, targetId, rows.get(sourceId), rows.get(targetId));
      let mergeId = '';
      if (plan.kind === 'merge') {
        mergeId = randomUUID();
        await this.data.merge(manager, tenantId, { mergeId, sourceId, targetId, displayName: plan.displayName, mergedBy: command.mergedBy, reason: command.reason, at });
        await this.outbox.append(manager, [
          { definition: Events.CustomerMerged, tenantId, payload: { sourceCustomerId: sourceId, targetCustomerId: targetId, tenantId, mergedAt: toTimestamp(at) } },
        ]);
      }
      const customer = await this.customers.view(manager, tenantId, plan.targetId);
      if (!customer) throw new HistoryNotFoundError('customer', targetId);
      return { customer, mergeId };
    });
  }
}
