import { createInboxMigration } from '@contactcenter/messaging';
import { CreateReportingTables1767398400000 } from './migrations/1767398400000-create-reporting-tables.migration';

/** Reporting's schema in order; run as the database owner (ADR 0004). */
export const REPORTING_MIGRATIONS = [createInboxMigration(), CreateReportingTables1767398400000];
