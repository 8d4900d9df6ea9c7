import { createInboxMigration } from '@contactcenter/messaging';
import { CreateReportingTables1767398400000 } from './migrations/1767398400000-create-reporting-tables.migration';
import { CompleteHistoricalReporting1767484800000 } from './migrations/1767484800000-complete-historical-reporting.migration';
import { LocalRollupsAndAgentShifts1767571200000 } from './migrations/1767571200000-local-rollups-and-agent-shifts.migration';

/** Reporting's schema in order; run as the database owner (ADR 0004). */
export const REPORTING_MIGRATIONS = [createInboxMigration(), CreateReportingTables1767398400000, CompleteHistoricalReporting1767484800000, LocalRollupsAndAgentShifts1767571200000];
