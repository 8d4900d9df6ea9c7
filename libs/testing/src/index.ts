export * from './builders';
export * from './keycloak-tokens';
export * from './stack-endpoints';
export * from './test-database';
export * from './unique-names';
export * from './free-port';
export * from './keycloak-users';
export * from './mail-users';
