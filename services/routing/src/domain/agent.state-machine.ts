import { RoutingError } from './routing-error';

/** What the agent chose: logged out, ready for work, or on a break with a reason. */
export type Presence = 'offline' | 'available' | 'away';

/** What reporting sees: presence, overridden by the work the agent is doing. */
export type AgentState = 'offline' | 'available' | 'away' | 'on-contact' | 'after-contact-work';

/**
 * On-contact and after-contact work are derived from the agent's load, never set directly;
 * pending offers do not change the state because the agent has not started work yet.
 */
export function deriveAgentState(presence: Presence, assigned: number, wrappingUp: number): AgentState {
  if (presence === 'offline') return 'offline';
  if (assigned > 0) return 'on-contact';
  if (wrappingUp > 0) return 'after-contact-work';
  return presence;
}

export type PresenceRequest =
  | { readonly state: 'available' }
  | { readonly state: 'away'; readonly reasonCode: string }
  | { readonly state: 'offline' };

/**
 * Checks a presence change and throws the precise RoutingError when it is not allowed:
 * login only from offline, breaks only when logged in, logout only with no handled or
 * wrapping-up work (pending offers are withdrawn instead).
 */
export function assertPresenceChange(
  agentId: string,
  from: Presence,
  request: PresenceRequest | { readonly state: 'login' },
  activeWork: number,
): void {
  if (request.state === 'login') {
    if (from !== 'offline') throw new RoutingError('AGENT_ALREADY_LOGGED_IN', `agent ${agentId} is already logged in`);
    return;
  }
  if (from === 'offline') throw new RoutingError('AGENT_NOT_LOGGED_IN', `agent ${agentId} is not logged in`);
  if (request.state === 'away' && !request.reasonCode) {
    throw new RoutingError('INVALID_COMMAND', `agent ${agentId} needs a reason code to go away`);
  }
  if (request.state === 'offline' && activeWork > 0) {
    throw new RoutingError('AGENT_HAS_WORK', `agent ${agentId} still handles ${activeWork} interaction(s)`);
  }
}
