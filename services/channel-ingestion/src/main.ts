import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { channelAdminV1, protoFile } from '@contactcenter/contracts';
import { runService } from '@contactcenter/service-host';
import { ChannelModule } from './channel.module';
import { emailChannelOptions, loadChannelsConfig, webChatOptions } from './config';
import { DEFAULT_MESSAGE_LIMITS } from './domain/normalized-message';
import { CHANNEL_MIGRATIONS } from './persistence/channel.migrations';

runService({
  name: 'channel-ingestion',
  loadConfig: loadChannelsConfig,
  migrations: CHANNEL_MIGRATIONS,
  grpc: { package: channelAdminV1.protobufPackage, protoFiles: [protoFile('channels', 'channel_admin_service'), protoFile('channels', 'messaging_service')] },
  module: (config, { dataSource, eventBus }) =>
    ChannelModule.register({
      dataSource,
      eventBus,
      secretsKey: config.secretsKey,
      consumerGroup: config.consumerGroup,
      publicBaseUrl: config.publicBaseUrl,
      defaultRatePerSecond: config.defaultRatePerSecond,
      tenantRatePerSecond: config.tenantRatePerSecond,
      maxWebhookBytes: config.maxWebhookBytes,
      limits: { ...DEFAULT_MESSAGE_LIMITS, maxAttachmentBytes: config.maxAttachmentBytes },
      providerEndpoints: { twilio: config.twilioApiUrl, graph: config.graphApiUrl, line: config.lineApiUrl, lineData: config.lineDataApiUrl, telegram: config.telegramApiUrl },
      relayDatabaseUrl: config.relayDatabaseUrl,
      fetchAllowPrivateHosts: config.fetchAllowPrivateHosts,
      webchat: webChatOptions(config),
      email: emailChannelOptions(config, (file) => readFileSync(file, 'utf8')),
    }),
});
