import { createInboxMigration, createOutboxMigration } from '@contactcenter/messaging';
import { CreateHistoryTables1767484800000 } from './migrations/1767484800000-create-history-tables.migration';
import { AddInteractionCase1767571200000 } from './migrations/1767571200000-add-interaction-case.migration';
import { AddNoteSearch1767571200001 } from './migrations/1767571200001-add-note-search.migration';

/** History's schema in order; run as the database owner (ADR 0004). */
export const HISTORY_MIGRATIONS = [createOutboxMigration(), createInboxMigration(), CreateHistoryTables1767484800000, AddInteractionCase1767571200000, AddNoteSearch1767571200001];
