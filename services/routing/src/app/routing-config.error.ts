export type RoutingConfigErrorCode = 'CONFIG_INVALID' | 'CONFIG_NOT_FOUND' | 'CONFIG_IN_USE' | 'TENANT_NOT_GRANTED';

/** A configuration request the service refuses before the engine sees it; mapped to gRPC at the edge. */
export class RoutingConfigError extends Error {
  constructor(
    readonly code: RoutingConfigErrorCode,
    readonly detail: string,
  ) {
    super(`${code}: ${detail}`);
    this.name = 'RoutingConfigError';
  }
}
