import type { DataSource, EntityManager } from 'typeorm';
import { TenantContext, withTenantTransaction } from '@contactcenter/tenancy';
import type { CustomerIdentity } from '../../domain/customer-identity';
import { HistoryNotFoundError, InvalidHistoryRequestError } from '../../domain/history.errors';
import type { HistoryChannel } from '../../domain/interaction-record';
import type { PageCursorCodec } from '../../domain/page-cursor.codec';
import { CustomerDataRepository } from '../../persistence/customer-data.repository';
import { CustomerRepository } from '../../persistence/customer.repository';
import type { CaseStatus, CaseView, CustomerView, InteractionView, MessageView, NoteView } from '../../persistence/history-views';
import { InteractionRepository, type MessagePosition } from '../../persistence/interaction.repository';
import { NoteAndCaseRepository } from '../../persistence/note-and-case.repository';
import { ScreenPopRepository } from '../../persistence/screen-pop.repository';
import { TimelineRepository, type TimelinePosition } from '../../persistence/timeline.repository';

export interface Page<T> {
  readonly items: readonly T[];
  /** Empty on the last page. */
  readonly nextPageToken: string;
}

export type TimelineItem = { readonly kind: 'interaction'; readonly at: number; readonly interaction: InteractionView } | { readonly kind: 'note'; readonly at: number; readonly note: NoteView };

export interface ScreenPop {
  readonly customer?: CustomerView;
  readonly openCases: readonly CaseView[];
  readonly recentInteractions: readonly InteractionView[];
}

const DEFAULT_PAGE = 20;
const MAX_PAGE = 100;

function pageSize(requested: number | undefined): number {
  const size = requested || DEFAULT_PAGE;
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE) throw new InvalidHistoryRequestError('page-size-invalid', `page_size must be 1 to ${MAX_PAGE}`);
  return size;
}

function searchText(raw: string): string {
  const text = raw.trim();
  if (text.length === 0) throw new InvalidHistoryRequestError('query-empty', 'query must not be empty');
  if (text.length > 256) throw new InvalidHistoryRequestError('query-too-long', 'query must be at most 256 characters');
  return text;
}

/** Every read of history; all run sealed to one tenant, and erased customers are not found. */
export class ReadHistoryUseCase {
  private readonly customers = new CustomerRepository();
  private readonly interactions = new InteractionRepository();
  private readonly notesAndCases = new NoteAndCaseRepository();
  private readonly timeline = new TimelineRepository();
  private readonly data = new CustomerDataRepository();
  private readonly screenPops = new ScreenPopRepository();

  constructor(
    private readonly dataSource: DataSource,
    private readonly cursors: PageCursorCodec,
  ) {}

  getCustomer(tenantId: string, customerId: string): Promise<CustomerView> {
    return this.read(async (manager) => this.customers.view(manager, tenantId, await this.live(manager, tenantId, customerId)) as Promise<CustomerView>);
  }

  findByIdentity(tenantId: string, identity: CustomerIdentity): Promise<CustomerView | undefined> {
    return this.read((manager) => this.customers.viewOfIdentity(manager, tenantId, identity));
  }

  findByName(tenantId: string, fragment: string, requestedSize: number | undefined, pageToken: string | undefined): Promise<Page<CustomerView>> {
    const limit = pageSize(requestedSize);
    if (fragment.trim().length === 0) throw new InvalidHistoryRequestError('query-empty', 'give an identity or a name fragment');
    const query = `customers|${tenantId}|${fragment}`;
    const after = this.cursors.decode<string>(query, pageToken);
    return this.read(async (manager) => {
      const ids = await this.customers.findByName(manager, tenantId, fragment.trim(), after, limit + 1);
      const views = await Promise.all(ids.slice(0, limit).map((id) => this.customers.view(manager, tenantId, id)));
      return { items: views.filter((v): v is CustomerView => v !== undefined), nextPageToken: ids.length > limit ? this.cursors.encode(query, ids[limit - 1]) : '' };
    });
  }

  getTimeline(
    tenantId: string,
    request: { customerId: string; channels: readonly HistoryChannel[]; fromMs?: number; toMs?: number; pageSize?: number; pageToken?: string },
  ): Promise<Page<TimelineItem>> {
    const limit = pageSize(request.pageSize);
    if (request.fromMs !== undefined && request.toMs !== undefined && request.fromMs >= request.toMs) {
      throw new InvalidHistoryRequestError('bad-range', 'start_time must be before end_time');
    }
    const channels = [...new Set(request.channels)].sort();
    // The token is only good for the same tenant, customer and filters.
    const query = `timeline|${tenantId}|${request.customerId}|${channels.join(',')}|${request.fromMs ?? ''}|${request.toMs ?? ''}`;
    const after = this.cursors.decode<TimelinePosition>(query, request.pageToken);
    return this.read(async (manager) => {
      const liveCustomerId = await this.live(manager, tenantId, request.customerId);
      const rows = await this.timeline.page(manager, tenantId, { liveCustomerId, channels, fromMs: request.fromMs, toMs: request.toMs, after, limit: limit + 1 });
      const page = rows.slice(0, limit);
      const items = page.map((row): TimelineItem => (row.kind === 'interaction' ? { kind: 'interaction', at: row.position.at, interaction: row.interaction } : { kind: 'note', at: row.position.at, note: row.note }));
      return { items, nextPageToken: rows.length > limit ? this.cursors.encode(query, page[page.length - 1].position) : '' };
    });
  }

  getInteraction(tenantId: string, interactionId: string): Promise<{ interaction: InteractionView; messages: MessageView[]; notes: NoteView[] }> {
    return this.read(async (manager) => {
      const interaction = await this.interactions.view(manager, tenantId, interactionId);
      if (!interaction) throw new HistoryNotFoundError('interaction', interactionId);
      return {
        interaction,
        messages: await this.interactions.messagesOf(manager, tenantId, interactionId),
        notes: await this.notesAndCases.notesOfInteraction(manager, tenantId, interactionId),
      };
    });
  }

  listCases(tenantId: string, customerId: string, statuses: readonly CaseStatus[]): Promise<CaseView[]> {
    return this.read(async (manager) => this.notesAndCases.casesOf(manager, tenantId, await this.live(manager, tenantId, customerId), statuses));
  }

  screenPop(tenantId: string, identity: CustomerIdentity, interactionLimit: number | undefined): Promise<ScreenPop> {
    const limit = interactionLimit || 5;
    if (!Number.isInteger(limit) || limit < 1 || limit > 20) throw new InvalidHistoryRequestError('interaction-limit-invalid', 'interaction_limit must be 1 to 20');
    // One round trip: a screen pop waits on the agent's ringing phone.
    return this.screenPops.pop(this.dataSource, { ...TenantContext.require('ScreenPop'), tenantId }, identity, limit).then((pop) => pop ?? { openCases: [], recentInteractions: [] });
  }

  searchMessages(tenantId: string, request: { text: string; customerId?: string; pageSize?: number; pageToken?: string }): Promise<Page<MessageView>> {
    const limit = pageSize(request.pageSize);
    const text = searchText(request.text);
    const query = `search|${tenantId}|${request.customerId ?? ''}|${text}`;
    const after = this.cursors.decode<MessagePosition>(query, request.pageToken);
    return this.read(async (manager) => {
      const liveCustomerId = request.customerId ? await this.live(manager, tenantId, request.customerId) : undefined;
      const rows = await this.interactions.search(manager, tenantId, { text, liveCustomerId, after, limit: limit + 1 });
      const items = rows.slice(0, limit);
      const last = items[items.length - 1];
      return { items, nextPageToken: rows.length > limit ? this.cursors.encode<MessagePosition>(query, { at: last.sentAt.getTime(), id: last.messageId }) : '' };
    });
  }

  searchNotes(tenantId: string, request: { text: string; customerId?: string; pageSize?: number; pageToken?: string }): Promise<Page<NoteView>> {
    const limit = pageSize(request.pageSize);
    const text = searchText(request.text);
    const query = `notes|${tenantId}|${request.customerId ?? ''}|${text}`;
    const after = this.cursors.decode<{ at: number; id: string }>(query, request.pageToken);
    return this.read(async (manager) => {
      const liveCustomerId = request.customerId ? await this.live(manager, tenantId, request.customerId) : undefined;
      const rows = await this.notesAndCases.searchNotes(manager, tenantId, { text, liveCustomerId, after, limit: limit + 1 });
      const items = rows.slice(0, limit);
      const last = items[items.length - 1];
      return { items, nextPageToken: rows.length > limit ? this.cursors.encode(query, { at: last.createdAt.getTime(), id: last.noteId }) : '' };
    });
  }

  /** Every record of a customer as one JSON document (GDPR Art. 15 and 20). */
  exportCustomer(tenantId: string, customerId: string, at: Date): Promise<string> {
    return this.read(async (manager) => {
      const liveId = await this.live(manager, tenantId, customerId);
      const records = await this.data.export(manager, tenantId, liveId);
      return JSON.stringify({ format: 'contactcenter.history.export/v1', tenantId, customerId: liveId, exportedAt: at.toISOString(), ...records }, null, 2);
    });
  }

  private read<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return withTenantTransaction(this.dataSource, work);
  }

  private async live(manager: EntityManager, tenantId: string, customerId: string): Promise<string> {
    const liveId = await this.customers.liveId(manager, tenantId, customerId);
    if (!liveId) throw new HistoryNotFoundError('customer', customerId);
    return liveId;
  }
}
