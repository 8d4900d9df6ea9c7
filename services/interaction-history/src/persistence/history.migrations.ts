import { createInboxMigration, createOutboxMigration } from '@contactcenter/messaging';
import { CreateHistoryTables1767484800000 } from './migrations/1767484800000-create-history-tables.migration';

/** History's schema in order; run as the database owner (ADR 0004). */
export const HISTORY_MIGRATIONS = [createOutboxMigration(), createInboxMigration(), CreateHistoryTables1767484800000];
