// What a host needs to run reporting in-process (the all-in-one): the module and its schema.
export { ReportingModule, type ReportingModuleOptions } from './reporting.module';
export { REPORTING_MIGRATIONS } from './persistence/reporting.migrations';
