import { createInboxMigration, createOutboxMigration } from '@contactcenter/messaging';
import { CreateRoutingTables1767571200000 } from './migrations/1767571200000-create-routing-tables.migration';

/** Routing's schema in order; run as the database owner (ADR 0004). */
export const ROUTING_MIGRATIONS = [createOutboxMigration(), createInboxMigration(), CreateRoutingTables1767571200000];
