import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { withTenantTransaction } from '@contactcenter/tenancy';
import { ChannelNotFoundError } from '../../domain/channel.errors';
import { checkTemplate, renderTemplate } from '../../domain/message-template';
import type { MessageTemplate, TemplateRepository } from '../../persistence/template.repository';

/** Canned responses per tenant: saved by name, rendered with variables. */
export class ManageTemplatesUseCase {
  constructor(
    private readonly dataSource: DataSource,
    private readonly templates: TemplateRepository,
  ) {}

  put(tenantId: string, name: string, body: string, now: Date): Promise<MessageTemplate> {
    const checked = checkTemplate(name, body);
    return withTenantTransaction(this.dataSource, (manager) => this.templates.put(manager, tenantId, { templateId: randomUUID(), ...checked }, now));
  }

  async get(tenantId: string, name: string): Promise<MessageTemplate> {
    const template = await withTenantTransaction(this.dataSource, (manager) => this.templates.get(manager, tenantId, name));
    if (!template) throw new ChannelNotFoundError('template', name);
    return template;
  }

  list(tenantId: string): Promise<MessageTemplate[]> {
    return withTenantTransaction(this.dataSource, (manager) => this.templates.list(manager, tenantId));
  }

  async delete(tenantId: string, name: string): Promise<void> {
    const deleted = await withTenantTransaction(this.dataSource, (manager) => this.templates.delete(manager, tenantId, name));
    if (!deleted) throw new ChannelNotFoundError('template', name);
  }

  async render(tenantId: string, name: string, variables: Readonly<Record<string, string>>): Promise<string> {
    return renderTemplate((await this.get(tenantId, name)).body, variables);
  }
}
