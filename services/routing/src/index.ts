// What a host needs to run routing in-process (the all-in-one): the module and its schema.
export { RoutingModule, type RoutingModuleOptions } from './routing.module';
export { ROUTING_MIGRATIONS } from './persistence/routing.migrations';
