/** Nest token of the RoutingTransfers port (null when the gateway has no routing address). */
export const ROUTING_TRANSFERS = Symbol('TELEPHONY_ROUTING_TRANSFERS');
