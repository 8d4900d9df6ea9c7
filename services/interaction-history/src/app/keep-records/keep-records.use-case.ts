import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { Events, toTimestamp } from '@contactcenter/contracts';
import { OutboxWriter } from '@contactcenter/messaging';
import { withTenantTransaction } from '@contactcenter/tenancy';
import { type CustomerIdentity, identityLabel } from '../../domain/customer-identity';
import { HistoryConflictError, HistoryNotFoundError, InvalidHistoryRequestError } from '../../domain/history.errors';
import { CustomerRepository, isCustomerId } from '../../persistence/customer.repository';
import type { CaseStatus, CaseView, CustomerView, InteractionView, NoteView } from '../../persistence/history-views';
import { InteractionRepository } from '../../persistence/interaction.repository';
import { NoteAndCaseRepository } from '../../persistence/note-and-case.repository';
import { lockSubjects } from '../../persistence/subject-locks';

const MAX_TEXT = 10_000;

function text(name: string, value: string, max = MAX_TEXT): string {
  const trimmed = value.trim();
  if (trimmed.length === 0) throw new InvalidHistoryRequestError(`${name}-empty`, `${name} must not be empty`);
  if (trimmed.length > max) throw new InvalidHistoryRequestError(`${name}-too-long`, `${name} must be at most ${max} characters`);
  return trimmed;
}

/** What agents and integrations write by hand: identities, names, notes, cases and what is filed under them. */
export class KeepRecordsUseCase {
  private readonly customers = new CustomerRepository();
  private readonly interactions = new InteractionRepository();
  private readonly notesAndCases = new NoteAndCaseRepository();
  private readonly outbox = new OutboxWriter();

  constructor(
    private readonly dataSource: DataSource,
    /** Filing an interaction also files its customer's unfiled ones in the same queue this close. */
    private readonly caseWindowMs: number,
  ) {}

  /** Links an identity; linking one the customer already has is a no-op, another's is refused. */
  linkIdentity(tenantId: string, customerId: string, identity: CustomerIdentity, at: Date): Promise<CustomerView> {
    return this.write(async (manager) => {
      const liveId = await this.live(manager, tenantId, customerId);
      await lockSubjects(manager, tenantId, 'identity', [identityLabel(identity)]);
      const owner = (await this.customers.owners(manager, tenantId, [identity])).get(identityLabel(identity));
      if (owner && owner !== liveId) throw new HistoryConflictError('identity-owned', `${identity.kind} identity belongs to another customer; merge the two instead`);
      if (!owner) await this.customers.link(manager, tenantId, identity, liveId, at);
      return (await this.customers.view(manager, tenantId, liveId))!;
    });
  }

  rename(tenantId: string, customerId: string, displayName: string, at: Date): Promise<CustomerView> {
    return this.write(async (manager) => {
      const liveId = await this.live(manager, tenantId, customerId);
      const name = displayName.trim() === '' ? null : text('display-name', displayName, 200);
      await this.customers.rename(manager, tenantId, liveId, name, at);
      return (await this.customers.view(manager, tenantId, liveId))!;
    });
  }

  addNote(tenantId: string, request: { customerId: string; interactionId?: string; text: string; authorId: string; at: Date }): Promise<NoteView> {
    return this.write(async (manager) => {
      const liveId = await this.live(manager, tenantId, request.customerId);
      if (request.interactionId) {
        const interaction = await this.interactions.view(manager, tenantId, request.interactionId);
        if (!interaction || interaction.customerId !== liveId) throw new HistoryNotFoundError('interaction', request.interactionId);
      }
      const note: NoteView = { noteId: randomUUID(), customerId: liveId, interactionId: request.interactionId || null, authorId: request.authorId, text: text('text', request.text), createdAt: request.at };
      await this.notesAndCases.addNote(manager, tenantId, note);
      return note;
    });
  }

  createCase(tenantId: string, request: { customerId: string; subject: string; ownerId: string; at: Date }): Promise<CaseView> {
    return this.write(async (manager) => {
      const liveId = await this.live(manager, tenantId, request.customerId);
      const value: CaseView = { caseId: randomUUID(), customerId: liveId, subject: text('subject', request.subject, 500), status: 'open', ownerId: request.ownerId, createdAt: request.at, updatedAt: request.at };
      await this.notesAndCases.createCase(manager, tenantId, value);
      return value;
    });
  }

  updateCase(tenantId: string, request: { caseId: string; status?: CaseStatus; ownerId?: string; subject?: string; at: Date }): Promise<CaseView> {
    return this.write(async (manager) => {
      const current = isCustomerId(request.caseId) ? await this.notesAndCases.lockCase(manager, tenantId, request.caseId) : undefined;
      if (!current) throw new HistoryNotFoundError('case', request.caseId);
      const next: CaseView = {
        ...current,
        status: request.status ?? current.status,
        ownerId: request.ownerId === undefined ? current.ownerId : text('owner-id', request.ownerId, 200),
        subject: request.subject === undefined ? current.subject : text('subject', request.subject, 500),
        updatedAt: request.at,
      };
      await this.notesAndCases.saveCase(manager, tenantId, next);
      return next;
    });
  }

  /**
   * Files an interaction under a case of its customer (FCR in reporting counts by case) and
   * announces it; NOT_FOUND for an unknown or erased interaction or case.
   */
  linkInteractionToCase(tenantId: string, request: { interactionId: string; caseId: string; at: Date }): Promise<InteractionView> {
    return this.write(async (manager) => {
      const target = isCustomerId(request.caseId) ? await this.notesAndCases.lockCase(manager, tenantId, request.caseId) : undefined;
      if (!target) throw new HistoryNotFoundError('case', request.caseId);
      const interaction = await this.lockedInteraction(manager, tenantId, request.interactionId);
      if (interaction.customerId !== target.customerId) throw new HistoryConflictError('case-of-another-customer', `case ${target.caseId} is not about the customer of interaction ${interaction.interactionId}`);
      return this.file(manager, tenantId, interaction, target.caseId, request.at);
    });
  }

  unlinkInteractionFromCase(tenantId: string, request: { interactionId: string; at: Date }): Promise<InteractionView> {
    return this.write(async (manager) => this.file(manager, tenantId, await this.lockedInteraction(manager, tenantId, request.interactionId), null, request.at));
  }

  private async lockedInteraction(manager: EntityManager, tenantId: string, interactionId: string): Promise<InteractionView> {
    await lockSubjects(manager, tenantId, 'interaction', [interactionId]);
    const interaction = await this.interactions.view(manager, tenantId, interactionId);
    // An interaction no event tied to a customer yet cannot be filed: its customer is unknown.
    if (!interaction?.customerId) throw new HistoryNotFoundError('interaction', interactionId);
    return interaction;
  }

  /** Files (or with null unfiles) one interaction; filing pulls in its unfiled neighbours (the automatic rule, from the other side). */
  private async file(manager: EntityManager, tenantId: string, interaction: InteractionView, caseId: string | null, at: Date): Promise<InteractionView> {
    if (interaction.caseId === caseId) return interaction;
    const customerId = interaction.customerId!;
    await this.interactions.setCases(manager, tenantId, new Map([[interaction.interactionId, caseId]]), true);
    const neighbours = caseId ? await this.interactions.fileNearby(manager, tenantId, { interactionId: interaction.interactionId, liveCustomerId: customerId, caseId }, this.caseWindowMs) : [];
    await this.outbox.append(
      manager,
      [interaction.interactionId, ...neighbours].map((interactionId) => ({
        definition: Events.InteractionCustomerLinked,
        tenantId,
        payload: { interactionId, tenantId, customerId, caseId: caseId ?? '', linkedAt: toTimestamp(at) },
      })),
    );
    return { ...interaction, caseId };
  }

  private write<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return withTenantTransaction(this.dataSource, work);
  }

  private async live(manager: EntityManager, tenantId: string, customerId: string): Promise<string> {
    const liveId = await this.customers.liveId(manager, tenantId, customerId);
    if (!liveId) throw new HistoryNotFoundError('customer', customerId);
    return liveId;
  }
}
