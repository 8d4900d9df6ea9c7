import { createInboxMigration, createOutboxMigration } from '@contactcenter/messaging';
import { CreateChannelTables1767571200000 } from './migrations/1767571200000-create-channel-tables.migration';
import { AddWebChatAndAddressLookup1767744000000 } from './migrations/1767744000000-add-webchat-and-address-lookup.migration';

/** Channel ingestion's schema in order; run as the database owner (ADR 0004). */
export const CHANNEL_MIGRATIONS = [createOutboxMigration(), createInboxMigration(), CreateChannelTables1767571200000, AddWebChatAndAddressLookup1767744000000];
