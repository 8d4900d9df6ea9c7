// What a host needs to run channel ingestion in-process (the all-in-one), and what channels outside
// HTTP webhooks (e-mail, web chat) plug into: the module, its schema, the driver port and pipeline.
export { ChannelModule, type ChannelModuleOptions, type WebChatModuleOptions } from './channel.module';
export { EmailChannel, type EmailChannelOptions } from './app/email/email-channel';
export { CHANNEL_MIGRATIONS } from './persistence/channel.migrations';
export type { ChannelDriver, WebhookRequest, WebhookContent, OutboundMessage, SendResult, DeliveryStatusUpdate } from './drivers/channel-driver.port';
export { loadOrCreateSecretsKey } from './persistence/secrets-key-file';
export { AccountDirectory } from './app/account-directory/account-directory';
export { ReceiveWebhookUseCase } from './app/receive-webhook/receive-webhook.use-case';
export { IngestInboundUseCase, type IngestedMessage } from './app/ingest-inbound/ingest-inbound.use-case';
export type { InboundMessage, MessageAttachment } from './domain/normalized-message';
export type { ChannelAccountWithSecrets } from './domain/channel-account';
