/** The workspace's owner did not answer in time (a rebalance or a failed instance); the agent may retry. */
export class RoutingUnavailableError extends Error {
  constructor(readonly detail: string) {
    super(`WORKSPACE_UNAVAILABLE: ${detail}`);
    this.name = 'RoutingUnavailableError';
  }
}
