import { requireAgentCount, requireNonNegative } from './staffing-input.error';

/**
 * Erlang B blocking probability of `agents` servers offered `trafficErlangs`, by the recursion
 * B(0) = 1, B(n) = A·B(n−1) / (n + A·B(n−1)). Every step stays in [0, 1], so thousands of agents
 * stay exact where A^N / N! would overflow.
 */
export function erlangB(agents: number, trafficErlangs: number): number {
  requireAgentCount(agents, 0);
  requireNonNegative('trafficErlangs', trafficErlangs);
  let blocking = 1;
  for (let n = 1; n <= agents; n++) {
    const carried = trafficErlangs * blocking;
    blocking = carried / (n + carried);
  }
  return blocking;
}
