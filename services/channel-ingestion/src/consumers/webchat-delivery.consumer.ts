import type { DataSource } from 'typeorm';
import { Events, Topics } from '@contactcenter/contracts';
import type { ConsumedEvent, EventBus, Subscription } from '@contactcenter/messaging';
import { withTenantTransaction } from '@contactcenter/tenancy';
import type { AccountDirectory } from '../app/account-directory/account-directory';
import type { QueuePlaces, WaitingPlace } from '../app/webchat/queue-places.port';
import type { ServerFrame } from '../drivers/webchat/webchat-frames';
import type { WebChatGateway } from '../drivers/webchat/webchat.gateway';
import type { MessageLogRepository } from '../persistence/message-log.repository';
import type { WebChatRepository } from '../persistence/webchat.repository';

export interface WebChatDeliveryConsumerOptions {
  readonly dataSource: DataSource;
  readonly eventBus: EventBus;
  readonly directory: AccountDirectory;
  readonly log: MessageLogRepository;
  readonly repository: WebChatRepository;
  readonly gateway: WebChatGateway;
  /** Unique per instance: every instance must see every event to reach the sockets it holds. */
  readonly groupId: string;
  readonly interactionTopic?: string;
  readonly messageTopic?: string;
  readonly now?: () => Date;
  /** Routing's exact places and wait estimates; without it they are approximated from the events. */
  readonly places?: QueuePlaces;
  /** How often waiting visitors' places are asked again while they wait (default 15 s): the estimate moves with time. */
  readonly refreshMs?: number;
  readonly onError?: (error: unknown, context: string) => void;
}

/** Recent waits of assigned contacts per queue: the estimate of the next wait. */
const WAIT_SAMPLES = 20;

/**
 * Pushes to open widget sockets what happened elsewhere: agents' replies (MessageSent) and typing
 * (AgentTypingChanged), the place in the queue (InteractionQueued, and again whenever routing
 * assigns a contact of that queue or one abandons it), an agent taking the chat
 * (InteractionAssigned) and its end (Completed / Abandoned / Rejected). Nothing here is durable: it starts at the topics' end, and a visitor who misses a
 * push gets stored messages again through `messagesAfter` when the widget reconnects.
 *
 * With `places` (routing's GetQueueSnapshot under the service's own token) the place and the
 * estimated wait are routing's, asked again every `refreshMs` while a visitor here waits; when
 * routing does not answer, nothing is pushed (the next refresh tries again). Without it, the
 * place is the arrival order among the queue's waiting chats and the estimate the average queue
 * time of the queue's last assignments seen here.
 */
export class WebChatDeliveryConsumer {
  private subscription?: Subscription;
  private readonly waits = new Map<string, number[]>();
  /** Queues with web-chat visitors waiting, asked again on every refresh. */
  private readonly watched = new Map<string, { workspaceId: string; tenantId: string; queueId: string }>();
  private refresh?: NodeJS.Timeout;
  private refreshing = false;

  constructor(private readonly options: WebChatDeliveryConsumerOptions) {}

  async start(): Promise<void> {
    const { eventBus, groupId } = this.options;
    this.subscription = await eventBus.subscribe({
      groupId,
      topics: [this.options.messageTopic ?? Topics.message, this.options.interactionTopic ?? Topics.interaction],
      fromBeginning: false,
      handler: (event) => this.handle(event),
    });
    if (this.options.places) {
      this.refresh = setInterval(() => void this.refreshWatched(), this.options.refreshMs ?? 15_000);
      this.refresh.unref();
    }
  }

  async close(): Promise<void> {
    if (this.refresh) clearInterval(this.refresh);
    await this.subscription?.close();
    this.subscription = undefined;
  }

  private async handle(event: ConsumedEvent): Promise<void> {
    switch (event.type) {
      case Events.MessageSent.type: {
        const sent = Events.MessageSent.codec.decode(event.payload);
        if (sent.tenantId !== event.tenantId) return;
        const widgetId = await this.widgetOf(sent.tenantId, sent.channelAccountId);
        if (!widgetId) return;
        const found = await withTenantTransaction(this.options.dataSource, (manager) => this.options.repository.outboundForDelivery(manager, sent.tenantId, sent.messageId), { workspaceId: '', tenantId: sent.tenantId });
        if (found) this.options.gateway.deliver({ widgetId, visitorId: found.visitorId }, { type: 'message', ...found.message });
        return;
      }
      case Events.AgentTypingChanged.type: {
        const e = Events.AgentTypingChanged.codec.decode(event.payload);
        return this.toVisitor(event, e.tenantId, e.interactionId, { type: 'typing', from: 'agent', on: e.typing });
      }
      case Events.InteractionQueued.type: {
        const e = Events.InteractionQueued.codec.decode(event.payload);
        if (e.tenantId === event.tenantId) await this.queuePositions(event.workspaceId, e.tenantId, e.queueId, '');
        return;
      }
      case Events.InteractionAssigned.type: {
        const e = Events.InteractionAssigned.codec.decode(event.payload);
        if (e.tenantId !== event.tenantId) return;
        const key = `${e.tenantId}/${e.queueId}`;
        this.waits.set(key, [...(this.waits.get(key) ?? []), Number(e.queueTimeMs)].slice(-WAIT_SAMPLES));
        // Routing carries the agent's id only; the widget shows a neutral name rather than an internal id.
        await this.toVisitor(event, e.tenantId, e.interactionId, { type: 'agent-joined', agentName: 'An agent' });
        await this.queuePositions(event.workspaceId, e.tenantId, e.queueId, e.interactionId);
        return;
      }
      case Events.InteractionCompleted.type: {
        const e = Events.InteractionCompleted.codec.decode(event.payload);
        return this.toVisitor(event, e.tenantId, e.interactionId, { type: 'closed', reason: 'completed' });
      }
      case Events.InteractionAbandoned.type: {
        const e = Events.InteractionAbandoned.codec.decode(event.payload);
        await this.toVisitor(event, e.tenantId, e.interactionId, { type: 'closed', reason: 'abandoned' });
        // Whoever waited behind it moved up.
        if (e.tenantId === event.tenantId && e.queueId) await this.queuePositions(event.workspaceId, e.tenantId, e.queueId, e.interactionId);
        return;
      }
      case Events.InteractionRejected.type: {
        const e = Events.InteractionRejected.codec.decode(event.payload);
        return this.toVisitor(event, e.tenantId, e.interactionId, { type: 'closed', reason: 'rejected' });
      }
      default:
        return;
    }
  }

  /** Tells every waiting web-chat visitor of the queue connected here where they are now. */
  private async queuePositions(workspaceId: string, tenantId: string, queueId: string, leaving: string): Promise<void> {
    const key = `${tenantId}/${queueId}`;
    const waiting = await withTenantTransaction(this.options.dataSource, (manager) => this.options.repository.waitingInQueue(manager, tenantId, queueId, leaving), { workspaceId: '', tenantId });
    if (waiting.length === 0) {
      this.watched.delete(key);
      return;
    }
    this.watched.set(key, { workspaceId, tenantId, queueId });
    const places = await this.routingPlaces(workspaceId, tenantId, queueId);
    // Routing is asked but did not answer: the widgets keep what they show until the next try.
    if (places === null) return;
    const samples = this.waits.get(key) ?? [];
    const approximateWaitSeconds = samples.length ? Math.round(samples.reduce((a, b) => a + b, 0) / samples.length / 1000) : 0;
    for (const { interactionId, accountId, visitorId, position } of waiting) {
      const widgetId = await this.widgetOf(tenantId, accountId);
      if (!widgetId) continue;
      let frame: ServerFrame = { type: 'queue', position, estimatedWaitSeconds: approximateWaitSeconds };
      if (places) {
        const place = places.get(interactionId);
        // Routing no longer has it waiting (offered, or gone): the next event says what happened.
        if (!place) continue;
        frame = { type: 'queue', position: place.position, ...(place.estimatedWaitMs !== undefined ? { estimatedWaitSeconds: Math.round(place.estimatedWaitMs / 1000) } : {}) };
      }
      this.options.gateway.deliver({ widgetId, visitorId }, frame);
    }
  }

  /** Routing's places; undefined when routing is not asked (approximated here), null when it did not answer. */
  private async routingPlaces(workspaceId: string, tenantId: string, queueId: string): Promise<ReadonlyMap<string, WaitingPlace> | undefined | null> {
    if (!this.options.places) return undefined;
    try {
      return await this.options.places.places({ workspaceId, tenantId }, queueId);
    } catch (error) {
      this.options.onError?.(error, `routing's queue snapshot of ${queueId}`);
      return null;
    }
  }

  private async refreshWatched(): Promise<void> {
    // A slow routing must not pile refreshes up.
    if (this.refreshing) return;
    this.refreshing = true;
    try {
      for (const { workspaceId, tenantId, queueId } of [...this.watched.values()]) {
        try {
          await this.queuePositions(workspaceId, tenantId, queueId, '');
        } catch (error) {
          this.options.onError?.(error, `queue positions of ${queueId}`);
        }
      }
    } finally {
      this.refreshing = false;
    }
  }

  private async toVisitor(event: ConsumedEvent, tenantId: string, interactionId: string, frame: ServerFrame): Promise<void> {
    // The payload's tenant must be the header's, and only chats can be web chats.
    if (tenantId !== event.tenantId || !tenantId) return;
    const conversation = await withTenantTransaction(this.options.dataSource, (manager) => this.options.log.conversation(manager, tenantId, interactionId), { workspaceId: '', tenantId });
    if (!conversation) return;
    const widgetId = await this.widgetOf(tenantId, conversation.accountId);
    if (widgetId) this.options.gateway.deliver({ widgetId, visitorId: conversation.conversationKey }, frame);
  }

  private async widgetOf(tenantId: string, accountId: string): Promise<string | undefined> {
    const account = await this.options.directory.find(tenantId, accountId, (this.options.now ?? (() => new Date()))().getTime());
    return account?.kind === 'webchat' ? account.address : undefined;
  }
}
