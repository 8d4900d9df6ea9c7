import type { DataSource } from 'typeorm';
import { Events, toTimestamp } from '@contactcenter/contracts';
import { OutboxWriter } from '@contactcenter/messaging';
import { withTenantTransaction } from '@contactcenter/tenancy';
import { HistoryNotFoundError } from '../../domain/history.errors';
import { CustomerDataRepository } from '../../persistence/customer-data.repository';
import { CustomerRepository } from '../../persistence/customer.repository';

/**
 * GDPR Art. 17: deletes a customer's personal data, audits who asked and why, and tells every
 * other service through CustomerErased, all in one transaction. Erasing again is NOT_FOUND,
 * like every other request about an erased customer.
 */
export class EraseCustomerUseCase {
  private readonly customers = new CustomerRepository();
  private readonly data = new CustomerDataRepository();
  private readonly outbox = new OutboxWriter();

  constructor(private readonly dataSource: DataSource) {}

  async execute(command: { tenantId: string; customerId: string; erasedBy: string; reason: string; at: Date }): Promise<{ customerId: string }> {
    const { tenantId, at } = command;
    return withTenantTransaction(this.dataSource, async (manager) => {
      const liveId = await this.customers.liveId(manager, tenantId, command.customerId);
      if (!liveId) throw new HistoryNotFoundError('customer', command.customerId);
      await this.customers.lockForMerge(manager, tenantId, [liveId]);
      await this.data.erase(manager, tenantId, liveId, command.erasedBy, command.reason, at);
      await this.outbox.append(manager, [{ definition: Events.CustomerErased, tenantId, payload: { customerId: liveId, tenantId, erasedAt: toTimestamp(at) } }]);
      return { customerId: liveId };
    });
  }
}
