import { assertPresenceChange, deriveAgentState } from './agent.state-machine';
import { routingErrorOf } from './routing.test-fixtures';

describe(deriveAgentState.name, () => {
  it.each([
    ['offline', 0, 0, 'offline'],
    ['available', 0, 0, 'available'],
    ['away', 0, 0, 'away'],
    ['available', 1, 0, 'on-contact'],
    ['away', 1, 1, 'on-contact'],
    ['available', 0, 2, 'after-contact-work'],
    ['offline', 1, 0, 'offline'],
  ] as const)('%s with %i handled and %i wrapping up is %s', (presence, assigned, wrappingUp, state) => {
    expect(deriveAgentState(presence, assigned, wrappingUp)).toBe(state);
  });
});

describe(assertPresenceChange.name, () => {
  const sut = assertPresenceChange;

  it('allows login only from offline', () => {
    expect(() => sut('a', 'offline', { state: 'login' }, 0)).not.toThrow();
    expect(routingErrorOf(() => sut('a', 'away', { state: 'login' }, 0)).code).toBe('AGENT_ALREADY_LOGGED_IN');
  });

  it('needs a login before any other change', () => {
    expect(routingErrorOf(() => sut('a', 'offline', { state: 'available' }, 0)).code).toBe('AGENT_NOT_LOGGED_IN');
    expect(routingErrorOf(() => sut('a', 'offline', { state: 'offline' }, 0)).code).toBe('AGENT_NOT_LOGGED_IN');
  });

  it('needs a reason code to go away', () => {
    expect(routingErrorOf(() => sut('a', 'available', { state: 'away', reasonCode: '' }, 0)).code).toBe('INVALID_COMMAND');
    expect(() => sut('a', 'available', { state: 'away', reasonCode: 'lunch' }, 3)).not.toThrow();
  });

  it('refuses logout while the agent handles or wraps up work', () => {
    expect(routingErrorOf(() => sut('a', 'available', { state: 'offline' }, 1)).code).toBe('AGENT_HAS_WORK');
    expect(() => sut('a', 'away', { state: 'offline' }, 0)).not.toThrow();
  });
});
