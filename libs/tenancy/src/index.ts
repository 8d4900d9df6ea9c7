export * from './tenant-context';
export * from './tenant-transaction';
export * from './rls-migration';
export * from './database-provisioning';
export * from './prepared-query';
