// What a host needs to run interaction history in-process (the all-in-one): the module and its schema.
export { HistoryModule, type HistoryModuleOptions } from './history.module';
export { HISTORY_MIGRATIONS } from './persistence/history.migrations';
