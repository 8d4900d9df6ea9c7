import { deliveryFailureReason } from './call-session';

describe('deliveryFailureReason', () => {
  it.each([
    [486, 'busy:486'],
    [600, 'busy:600'],
    [603, 'busy:603'],
    [408, 'no-answer:408'],
    [480, 'no-answer:480'],
    [487, 'no-answer:487'],
    [404, 'unreachable:404'],
    [503, 'unreachable:503'],
  ])('maps SIP %i to %s', (status, reason) => {
    expect(deliveryFailureReason(status)).toBe(reason);
  });
});
