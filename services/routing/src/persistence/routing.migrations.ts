import { createInboxMigration, createOutboxMigration } from '@contactcenter/messaging';
import { CreateRoutingTables1767571200000 } from './migrations/1767571200000-create-routing-tables.migration';
import { SealRoutingWorkspaces1767657600000 } from './migrations/1767657600000-seal-routing-workspaces.migration';
import { CreateRoutingCommandResults1767744000000 } from './migrations/1767744000000-create-routing-command-results.migration';

/** Routing's schema in order; run as the database owner (ADR 0004). */
export const ROUTING_MIGRATIONS = [createOutboxMigration(), createInboxMigration(), CreateRoutingTables1767571200000, SealRoutingWorkspaces1767657600000, CreateRoutingCommandResults1767744000000];
