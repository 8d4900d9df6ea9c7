import type { DataSource } from 'typeorm';

export const DIAGNOSTICS_OPTIONS = Symbol('DIAGNOSTICS_OPTIONS');

export interface DiagnosticsOptions {
  /**
   * The host's database (connected as the service role) whose `outbox` table Ping writes to.
   * Without it Ping answers UNIMPLEMENTED and WhoAmI still works.
   */
  readonly dataSource?: DataSource;
}
