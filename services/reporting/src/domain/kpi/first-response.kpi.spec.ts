import { answered, T0 } from './contact-facts.test-fixtures';
import { FirstResponseKpi } from './first-response.kpi';
import { KpiInputError } from './kpi-input.error';
import { kpiSettings } from './kpi-settings';

describe(FirstResponseKpi.name, () => {
  const sut = new FirstResponseKpi(kpiSettings());
  const sms = answered('sms', { at: T0, channel: 'sms', queueId: 'sms', customerId: 'c1', waitS: 5, talkS: 60, firstResponseS: 600 });

  it('measures channels without a policy but scores no SLA for them', () => {
    const reading = sut.read(sut.add(sut.empty(), sms));

    expect(reading.byChannel.sms).toEqual({ averageFirstResponseMs: 600_000, slaHitRate: null });
    expect(reading.allChannels).toEqual({ averageFirstResponseMs: 600_000, slaHitRate: null });
  });

  it('scores a reply exactly at the limit as a hit', () => {
    const chat = answered('chat', { at: T0, channel: 'chat', queueId: 'chat', customerId: 'c1', waitS: 5, talkS: 60, firstResponseS: 60 });

    expect(sut.read(sut.add(sut.empty(), chat)).byChannel.chat.slaHitRate).toBe(1);
  });

  it('rejects a reply before the first message', () => {
    expect(() => sut.add(sut.empty(), { ...sms, firstAgentReplyAt: T0 - 1 })).toThrow(KpiInputError);
  });
});
