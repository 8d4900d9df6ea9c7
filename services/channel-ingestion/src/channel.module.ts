import { createHmac, randomUUID } from 'node:crypto';
import { type DynamicModule, Inject, Logger, Module, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { type EventBus, OutboxRelay } from '@contactcenter/messaging';
import { ServiceTokenSource } from '@contactcenter/auth';
import type { DataSource } from 'typeorm';
import { AccountDirectory } from './app/account-directory/account-directory';
import { AgentTypingUseCase } from './app/agent-typing/agent-typing.use-case';
import { IngestInboundUseCase } from './app/ingest-inbound/ingest-inbound.use-case';
import { ManageChannelAccountsUseCase } from './app/manage-channel-accounts/manage-channel-accounts.use-case';
import { ManageTemplatesUseCase } from './app/manage-templates/manage-templates.use-case';
import { ReceiveWebhookUseCase } from './app/receive-webhook/receive-webhook.use-case';
import { SendMessageUseCase } from './app/send-message/send-message.use-case';
import { EmailChannel, type EmailChannelOptions } from './app/email/email-channel';
import { PostgresWebChatBackend } from './app/webchat/webchat-backend';
import { InteractionEventsConsumer } from './consumers/interaction-events.consumer';
import { WebChatDeliveryConsumer } from './consumers/webchat-delivery.consumer';
import { InboundRatePolicy } from './domain/inbound-rate.policy';
import { DEFAULT_MESSAGE_LIMITS, type MessageLimits } from './domain/normalized-message';
import { OutboundAddressPolicy } from './domain/outbound-address.policy';
import type { ChannelDriver } from './drivers/channel-driver.port';
import { DriverRegistry, type ProviderEndpoints } from './drivers/driver-registry';
import { GuardedFetchClient } from './drivers/guarded-fetch.client';
import type { RetryOptions } from './drivers/provider-http.client';
import { WebChatAssetsController } from './drivers/webchat/webchat-assets.controller';
import { WebChatDriver } from './drivers/webchat/webchat.driver';
import { DEFAULT_WEBCHAT_GATEWAY_OPTIONS, WebChatGateway, type WebChatGatewayOptions } from './drivers/webchat/webchat.gateway';
import { WebChatSessionCodec } from './drivers/webchat/webchat-session.codec';
import { ChannelAdminController } from './grpc/channel-admin.controller';
import { MessagingController } from './grpc/messaging.controller';
import { RoutingQueueClient } from './grpc/routing-queue.client';
import { webhookRawBody } from './http/raw-body.middleware';
import { WEBHOOK_PATH, WEBHOOK_PUBLIC_BASE_URL, WebhookController } from './http/webhook.controller';
import { ChannelAccountRepository } from './persistence/channel-account.repository';
import { MessageLogRepository } from './persistence/message-log.repository';
import { SecretBox } from './persistence/secret-box';
import { EmailThreadRepository } from './persistence/email-thread.repository';
import { TemplateRepository } from './persistence/template.repository';
import { WebChatRepository } from './persistence/webchat.repository';

export interface WebChatModuleOptions {
  /** Signs visitors' session tokens; at least 32 characters, the same on every instance (default: derived from the secrets key). */
  readonly sessionSecret?: string;
  readonly gateway?: Partial<WebChatGatewayOptions>;
  /** Consumer group of this instance's socket pushes (default `channels-webchat-<random>`): unique per instance. */
  readonly deliveryGroupId?: string;
  /**
   * Routing's gRPC and the service's own OIDC client: waiting visitors then see routing's exact
   * place and wait estimate (GetQueueSnapshot). Without it both are approximated from events.
   */
  readonly routing?: { readonly url: string; readonly tokenUrl: string; readonly clientId: string; readonly clientSecret: string };
  /** How often waiting visitors' places are asked again (default 15 s). */
  readonly queueRefreshMs?: number;
}

export interface ChannelModuleOptions {
  /** The channels database as the service role, already migrated (CHANNEL_MIGRATIONS). */
  readonly dataSource: DataSource;
  readonly eventBus: EventBus;
  /** Encrypts channel secrets at rest; at least 32 characters, the same on every instance. */
  readonly secretsKey: string;
  /** Consumer group of the interaction-events consumer (default `channel-ingestion`). */
  readonly consumerGroup?: string;
  /** Where routing's interaction events come from (default the catalog's interaction topic). */
  readonly interactionTopic?: string;
  /** Public base URL providers call (Twilio signs it), e.g. https://cc.example.com; default: the Host header. */
  readonly publicBaseUrl?: string;
  /** Inbound messages per second per account when the account sets none (default 100). */
  readonly defaultRatePerSecond?: number;
  /** Inbound messages per second per tenant over all its accounts (default 5,000). */
  readonly tenantRatePerSecond?: number;
  /** Largest webhook body accepted (default 8 MiB: an API-channel message with inline attachments). */
  readonly maxWebhookBytes?: number;
  readonly limits?: MessageLimits;
  readonly providerEndpoints?: ProviderEndpoints;
  readonly retry?: RetryOptions;
  /**
   * Hosts (`host` or `host:port`) whose private, loopback or link-local addresses media and
   * attachment URLs may reach; everything else must resolve to public addresses (default none).
   */
  readonly fetchAllowPrivateHosts?: readonly string[];
  /** Drivers of channels built elsewhere. */
  readonly extraDrivers?: readonly ChannelDriver[];
  /** The channels database as the relay role: when given, the module relays its own outbox. */
  readonly relayDatabaseUrl?: string;
  /** Where new consumer groups start (default the topics' beginning; tests on a shared broker start at the end). */
  readonly fromBeginning?: boolean;
  /** Web chat: the widget's WebSocket on the HTTP server (`/webchat/ws`), its script and a demo page. */
  readonly webchat?: WebChatModuleOptions;
  /** E-mail: inbound SMTP and/or polled IMAP mailboxes, replies by SMTP. */
  readonly email?: EmailChannelOptions;
}

const RELAY = Symbol('CHANNEL_OUTBOX_RELAY');
const RAW_BODY = Symbol('CHANNEL_WEBHOOK_RAW_BODY');
const WEBCHAT = Symbol('CHANNEL_WEBCHAT');

interface WebChatParts {
  readonly gateway: WebChatGateway;
  readonly delivery: WebChatDeliveryConsumer;
  readonly routing?: RoutingQueueClient;
}

/** Starts the consumers, relay, web-chat socket and mail servers once the application is up; stops them before the bus closes. */
class ChannelLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(InteractionEventsConsumer) private readonly consumer: InteractionEventsConsumer,
    @Inject(RELAY) private readonly relay: OutboxRelay | null,
    @Inject(WEBCHAT) private readonly webchat: WebChatParts | null,
    @Inject(EmailChannel) private readonly email: EmailChannel | null,
    @Inject(HttpAdapterHost) private readonly host: HttpAdapterHost,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.consumer.start();
    this.relay?.start();
    if (this.webchat) {
      // The HTTP server exists from NestFactory.create on; upgrades on /webchat/ws are ours.
      this.webchat.gateway.attach(this.host.httpAdapter.getHttpServer());
      await this.webchat.delivery.start();
    }
    await this.email?.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.email?.stop();
    await this.webchat?.delivery.close();
    await this.webchat?.gateway.close();
    this.webchat?.routing?.close();
    await this.consumer.close();
    await this.relay?.close();
  }
}

/**
 * Channel ingestion: provider webhooks (HTTP), ChannelAdminService and MessagingService (gRPC),
 * and the interaction-events consumer. Needs AuthModule.forRoot(...) in the application, its
 * gRPC server to load `protoFile('channels', 'channel_admin_service')` and
 * `protoFile('channels', 'messaging_service')`, and an Express HTTP server created with
 * NestFactory.create (the module installs the webhooks' raw-body reader before the framework's
 * body parsers).
 */
@Module({})
export class ChannelModule {
  static register(options: ChannelModuleOptions): DynamicModule {
    const { dataSource, eventBus } = options;
    const limits = options.limits ?? DEFAULT_MESSAGE_LIMITS;
    const accounts = new ChannelAccountRepository(new SecretBox(options.secretsKey));
    const log = new MessageLogRepository();
    const templates = new TemplateRepository();
    const directory = new AccountDirectory(dataSource, accounts);
    const ingest = new IngestInboundUseCase(dataSource, log, limits);
    const webchatRepository = new WebChatRepository();
    // One address policy for everything tenants and providers point us at: media URLs and mail servers.
    const media = new GuardedFetchClient(new OutboundAddressPolicy(options.fetchAllowPrivateHosts));
    const email = options.email
      ? new EmailChannel(dataSource, directory, ingest, new EmailThreadRepository(), accounts, { ...options.email, pinHost: (host, port) => media.pinHost(host, port) })
      : null;
    const builtIn = [...(options.webchat ? [new WebChatDriver(dataSource, webchatRepository)] : []), ...(email ? [email] : [])];
    const drivers = new DriverRegistry(options.providerEndpoints, options.retry, [...builtIn, ...(options.extraDrivers ?? [])], media);
    const webchat = options.webchat ? ChannelModule.webchat(options, options.webchat, directory, ingest, log, webchatRepository, accounts) : null;
    const relay = options.relayDatabaseUrl ? new OutboxRelay({ connectionString: options.relayDatabaseUrl, bus: eventBus }) : null;
    return {
      module: ChannelModule,
      controllers: [ChannelAdminController, MessagingController, WebhookController, ...(webchat ? [WebChatAssetsController] : [])],
      providers: [
        { provide: ManageChannelAccountsUseCase, useValue: new ManageChannelAccountsUseCase(dataSource, accounts, directory) },
        { provide: ManageTemplatesUseCase, useValue: new ManageTemplatesUseCase(dataSource, templates) },
        { provide: SendMessageUseCase, useValue: new SendMessageUseCase(dataSource, log, templates, directory, drivers, limits, media) },
        { provide: IngestInboundUseCase, useValue: ingest },
        { provide: AgentTypingUseCase, useValue: new AgentTypingUseCase(dataSource, log, directory) },
        {
          provide: ReceiveWebhookUseCase,
          useValue: new ReceiveWebhookUseCase(directory, drivers, new InboundRatePolicy(), ingest, options.defaultRatePerSecond ?? 100, options.tenantRatePerSecond ?? 5_000, limits.maxAttachmentBytes, (error, context) =>
            new Logger('ProviderMedia').warn(`${context.kind} media ${context.fileName} of account ${context.accountId} kept as a reference: ${error instanceof Error ? error.message : String(error)}`),
          ),
        },
        { provide: WEBHOOK_PUBLIC_BASE_URL, useValue: options.publicBaseUrl?.replace(/\/+$/, '') },
        {
          provide: InteractionEventsConsumer,
          useValue: new InteractionEventsConsumer({
            dataSource,
            eventBus,
            log,
            groupId: options.consumerGroup ?? 'channel-ingestion',
            topic: options.interactionTopic,
            fromBeginning: options.fromBeginning,
          }),
        },
        {
          // Providers are built before the application registers its body parsers (at init), so
          // the raw-body reader mounted here runs first on webhook paths.
          provide: RAW_BODY,
          inject: [HttpAdapterHost],
          useFactory: (host: HttpAdapterHost) => {
            const adapter = host.httpAdapter;
            if (!adapter) throw new Error('ChannelModule needs an HTTP application (NestFactory.create) for its webhooks');
            adapter.use(webhookRawBody(`/${WEBHOOK_PATH}/`, options.maxWebhookBytes ?? 8 * 1024 * 1024));
            return true;
          },
        },
        { provide: AccountDirectory, useValue: directory },
        { provide: RELAY, useValue: relay },
        { provide: WEBCHAT, useValue: webchat },
        { provide: EmailChannel, useValue: email },
        ChannelLifecycle,
      ],
      // For channels that receive outside HTTP webhooks (SMTP/IMAP, WebSocket) to feed the same pipeline.
      exports: [AccountDirectory, ReceiveWebhookUseCase, IngestInboundUseCase, SendMessageUseCase, EmailChannel],
    };
  }

  private static webchat(
    options: ChannelModuleOptions,
    webchat: WebChatModuleOptions,
    directory: AccountDirectory,
    ingest: IngestInboundUseCase,
    log: MessageLogRepository,
    repository: WebChatRepository,
    accounts: ChannelAccountRepository,
  ): WebChatParts {
    const { dataSource, eventBus } = options;
    const backend = new PostgresWebChatBackend(dataSource, directory, ingest, repository, accounts);
    const gateway = new WebChatGateway(backend, new WebChatSessionCodec(webchat.sessionSecret ?? createHmac('sha256', options.secretsKey).update('webchat-session').digest('base64url')), { ...DEFAULT_WEBCHAT_GATEWAY_OPTIONS, ...webchat.gateway });
    const routing = webchat.routing
      ? new RoutingQueueClient(webchat.routing.url, new ServiceTokenSource({ tokenUrl: webchat.routing.tokenUrl, clientId: webchat.routing.clientId, clientSecret: webchat.routing.clientSecret }))
      : undefined;
    const delivery = new WebChatDeliveryConsumer({
      dataSource,
      eventBus,
      directory,
      log,
      repository,
      gateway,
      groupId: webchat.deliveryGroupId ?? `channels-webchat-${randomUUID()}`,
      interactionTopic: options.interactionTopic,
      places: routing,
      refreshMs: webchat.queueRefreshMs,
      onError: (error, context) => new Logger('WebChat').warn(`${context} failed: ${error instanceof Error ? error.message : String(error)}`),
    });
    return { gateway, delivery, routing };
  }
}
