import { IvrFlow, IvrNode } from './ivr-flow';
import { IvrFlowError } from './ivr-flow-error';
import { IvrAction, IvrInterpreter } from './ivr.interpreter';
import { SAMPLE_IVR_FLOW } from './sample-ivr.flow';

const OPEN = Date.parse('2026-01-05T10:00:00Z'); // Monday 11:00 in Berlin
const CLOSED = Date.parse('2026-01-10T10:00:00Z'); // Saturday

/** Actions without the step markers, for tests about what the caller hears. */
const audible = (actions: IvrAction[]) => actions.filter((a) => a.type !== 'step');
const steps = (actions: IvrAction[]) => actions.flatMap((a) => (a.type === 'step' ? [a.nodeId] : []));
const flowOf = (nodes: IvrNode[], extra: Partial<IvrFlow> = {}): IvrFlow => ({ id: 'f', start: nodes[0].id, nodes, ...extra });

describe(IvrInterpreter.name, () => {
  describe('sample flow', () => {
    it('greets, checks the hours and plays the main menu', () => {
      const sut = new IvrInterpreter(SAMPLE_IVR_FLOW);

      const greeting = sut.start(OPEN);
      const menu = sut.onPlaybackEnded(OPEN + 3000);

      expect(greeting).toEqual([
        { type: 'step', nodeId: 'welcome', nodeType: 'play' },
        { type: 'play', prompts: ['welcome'], bargeIn: false },
      ]);
      expect(steps(menu)).toEqual(['hours', 'main-menu']);
      expect(audible(menu)).toEqual([{ type: 'play', prompts: ['main-menu'], bargeIn: true }]);
      expect(sut.phase).toBe('playing');
    });

    it('queues a sales call on 1 pressed during the menu prompt (barge-in)', () => {
      const sut = new IvrInterpreter(SAMPLE_IVR_FLOW);
      sut.start(OPEN);
      sut.onPlaybackEnded(OPEN + 3000);

      const actions = sut.onDigit('1', OPEN + 4000);

      expect(steps(actions)).toEqual(['sales', 'enqueue']);
      expect(audible(actions)).toEqual([
        { type: 'stopPlayback' },
        { type: 'queue', queueId: 'sales', skills: [], priority: 5, variables: {} },
      ]);
      expect(sut.phase).toBe('ended');
      expect(sut.result).toEqual({ type: 'queue', queueId: 'sales', skills: [], priority: 5, variables: {} });
    });

    it('collects an account number ended by # and queues support with it', () => {
      const sut = new IvrInterpreter(SAMPLE_IVR_FLOW);
      sut.start(OPEN);
      sut.onPlaybackEnded(OPEN + 3000);
      sut.onPlaybackEnded(OPEN + 8000);
      sut.onDigit('2', OPEN + 9000);
      expect(sut.onPlaybackEnded(OPEN + 11_000)).toEqual([{ type: 'listen', timeoutMs: 8000, deadline: OPEN + 19_000 }]);

      let last: IvrAction[] = [];
      for (const [i, digit] of [...'123456'].entries()) {
        last = sut.onDigit(digit as '1', OPEN + 12_000 + i * 500);
        expect(last).toEqual([{ type: 'listen', timeoutMs: 4000, deadline: OPEN + 16_000 + i * 500 }]);
      }
      last = sut.onDigit('#', OPEN + 15_000);

      expect(audible(last)).toEqual([
        { type: 'queue', queueId: 'support', skills: ['support'], priority: 3, variables: { accountNumber: '123456' } },
      ]);
    });

    it('takes a message after hours, ends it on #, then says goodbye and hangs up', () => {
      const sut = new IvrInterpreter(SAMPLE_IVR_FLOW);
      sut.start(CLOSED);

      const announce = sut.onPlaybackEnded(CLOSED + 2000);
      const record = sut.onPlaybackEnded(CLOSED + 6000);
      const ignored = sut.onDigit('5', CLOSED + 7000);
      const stop = sut.onDigit('#', CLOSED + 20_000);
      const hangup = sut.onPlaybackEnded(CLOSED + 22_000);

      expect(steps(announce)).toEqual(['hours', 'after-hours']);
      expect(audible(announce)).toEqual([{ type: 'play', prompts: ['after-hours'], bargeIn: false }]);
      expect(record).toEqual([{ type: 'record', maxDurationMs: 60_000, deadline: CLOSED + 66_000, terminator: '#' }]);
      expect(ignored).toEqual([]);
      expect(audible(stop)).toEqual([{ type: 'stopRecording' }, { type: 'play', prompts: ['goodbye'], bargeIn: false }]);
      expect(hangup).toEqual([{ type: 'hangup', reason: 'completed' }]);
    });

    it('ends a message at its maximum duration', () => {
      const sut = new IvrInterpreter(SAMPLE_IVR_FLOW);
      sut.start(CLOSED);
      sut.onPlaybackEnded(CLOSED + 2000);
      sut.onPlaybackEnded(CLOSED + 6000);

      expect(sut.onTimeout(CLOSED + 65_999)).toEqual([]);
      expect(audible(sut.onTimeout(CLOSED + 66_000))[0]).toEqual({ type: 'stopRecording' });
    });

    it('transfers to the operator after its prompt', () => {
      const sut = new IvrInterpreter(SAMPLE_IVR_FLOW);
      sut.start(OPEN);
      sut.onPlaybackEnded(OPEN + 3000);
      sut.onPlaybackEnded(OPEN + 8000);

      expect(audible(sut.onDigit('0', OPEN + 9000))).toEqual([{ type: 'play', prompts: ['transfer'], bargeIn: false }]);
      expect(sut.onPlaybackEnded(OPEN + 10_000)).toEqual([{ type: 'transfer', target: '+4930123456', variables: {} }]);
    });

    it('repeats the menu on 9 through the goto node', () => {
      const sut = new IvrInterpreter(SAMPLE_IVR_FLOW);
      sut.start(OPEN);
      sut.onPlaybackEnded(OPEN + 3000);
      sut.onPlaybackEnded(OPEN + 8000);

      const actions = sut.onDigit('9', OPEN + 9000);

      expect(steps(actions)).toEqual(['repeat', 'main-menu']);
      expect(audible(actions)).toEqual([{ type: 'play', prompts: ['main-menu'], bargeIn: true }]);
    });
  });

  describe('menu retries', () => {
    const menuFlow = (onFailure?: string) =>
      flowOf([
        {
          id: 'm',
          type: 'menu',
          prompt: 'menu',
          options: { '1': 'end', '2': 'fallback' },
          timeoutMs: 5000,
          maxAttempts: 3,
          invalidPrompt: 'invalid',
          timeoutPrompt: 'silence',
          ...(onFailure ? { onFailure } : {}),
        },
        { id: 'end', type: 'hangup' },
        { id: 'fallback', type: 'queue', queueId: 'general' },
      ]);

    function listening(flow: IvrFlow) {
      const sut = new IvrInterpreter(flow);
      sut.start(0);
      sut.onPlaybackEnded(1000);
      return sut;
    }

    it('replays the menu after the invalid-option prompt', () => {
      const sut = listening(menuFlow());

      expect(sut.onDigit('7', 2000)).toEqual([{ type: 'play', prompts: ['invalid', 'menu'], bargeIn: true }]);
      expect(sut.onPlaybackEnded(4000)).toEqual([{ type: 'listen', timeoutMs: 5000, deadline: 9000 }]);
    });

    it('replays the menu after the no-input prompt, and ignores a timeout that is not due', () => {
      const sut = listening(menuFlow());

      expect(sut.onTimeout(5999)).toEqual([]);
      expect(sut.onTimeout(6000)).toEqual([{ type: 'play', prompts: ['silence', 'menu'], bargeIn: true }]);
    });

    it('hangs up with the reason of the last failure when attempts run out without onFailure', () => {
      const sut = listening(menuFlow());
      sut.onDigit('7', 2000);
      sut.onPlaybackEnded(3000);
      sut.onTimeout(8000);
      sut.onPlaybackEnded(9000);

      expect(sut.onDigit('8', 9500)).toEqual([{ type: 'hangup', reason: 'invalid-input' }]);
      expect(sut.phase).toBe('ended');
      expect(sut.onDigit('1', 9600)).toEqual([]);
    });

    it('follows onFailure when attempts run out', () => {
      const sut = listening(menuFlow('fallback'));
      for (let attempt = 0; attempt < 2; attempt++) {
        sut.onTimeout(sut.deadline!);
        sut.onPlaybackEnded(sut.deadline ?? 100_000 + attempt);
      }

      const actions = sut.onTimeout(sut.deadline!);

      expect(audible(actions)).toEqual([{ type: 'queue', queueId: 'general', skills: [], priority: 0, variables: {} }]);
    });

    it('ignores timeouts while the prompt plays and digits after the call ended', () => {
      const sut = new IvrInterpreter(menuFlow());
      sut.start(0);

      expect(sut.onTimeout(1_000_000)).toEqual([]);
      expect(sut.deadline).toBeUndefined();
    });
  });

  describe('collect', () => {
    const collectFlow = (overrides: Record<string, unknown> = {}) =>
      flowOf([
        {
          id: 'pin',
          type: 'collect',
          prompt: 'enter-pin',
          variable: 'pin',
          minLength: 4,
          maxLength: 4,
          pattern: '[1-9][0-9]*',
          timeoutMs: 5000,
          interDigitTimeoutMs: 2000,
          maxAttempts: 2,
          invalidPrompt: 'invalid',
          next: 'q',
          ...overrides,
        } as IvrNode,
        { id: 'q', type: 'queue', queueId: 'vip' },
      ]);

    function listening(flow: IvrFlow) {
      const sut = new IvrInterpreter(flow);
      sut.start(0);
      sut.onPlaybackEnded(1000);
      return sut;
    }

    it('completes at maxLength without a terminator', () => {
      const sut = listening(collectFlow());
      ['4', '3', '2'].forEach((d, i) => sut.onDigit(d as '4', 2000 + i));

      expect(audible(sut.onDigit('1', 2003))).toEqual([
        { type: 'queue', queueId: 'vip', skills: [], priority: 0, variables: { pin: '4321' } },
      ]);
    });

    it('evaluates what was typed when the inter-digit timeout fires', () => {
      const sut = listening(collectFlow({ minLength: 2 }));
      sut.onDigit('5', 2000);
      sut.onDigit('5', 2500);

      expect(sut.deadline).toBe(4500);
      expect(audible(sut.onTimeout(4500))).toEqual([
        { type: 'queue', queueId: 'vip', skills: [], priority: 0, variables: { pin: '55' } },
      ]);
    });

    it('rejects input that breaks the pattern or is too short, then succeeds on retry', () => {
      const sut = listening(collectFlow({ terminator: '#' }));
      ['0', '1', '2', '3'].forEach((d, i) => sut.onDigit(d as '0', 2000 + i));
      expect(sut.result).toBeUndefined();
      sut.onPlaybackEnded(3000);

      expect(sut.variables).toEqual({});
      ['9', '9', '9', '9'].forEach((d, i) => sut.onDigit(d as '9', 4000 + i));
      expect(sut.result).toEqual({ type: 'queue', queueId: 'vip', skills: [], priority: 0, variables: { pin: '9999' } });
    });

    it('treats a terminator before enough digits as invalid and hangs up after the last attempt', () => {
      const sut = listening(collectFlow({ terminator: '#' }));
      sut.onDigit('1', 2000);
      expect(sut.onDigit('#', 2100)).toEqual([{ type: 'play', prompts: ['invalid', 'enter-pin'], bargeIn: true }]);

      sut.onDigit('#', 2200);

      expect(sut.result).toEqual({ type: 'hangup', reason: 'invalid-input' });
    });

    it('starts listening when a digit interrupts the prompt', () => {
      const sut = new IvrInterpreter(collectFlow());
      sut.start(0);

      expect(sut.onDigit('7', 500)).toEqual([{ type: 'stopPlayback' }, { type: 'listen', timeoutMs: 2000, deadline: 2500 }]);
      expect(sut.phase).toBe('listening');
    });
  });

  describe('queue attributes', () => {
    it('accumulates skills and keeps the last priority and queue id of setQueue nodes', () => {
      const sut = new IvrInterpreter(
        flowOf([
          { id: 'a', type: 'setQueue', queueId: 'general', skills: ['en'], priority: 1, next: 'b' },
          { id: 'b', type: 'setQueue', queueId: 'billing', skills: ['billing', 'en'], next: 'c' },
          { id: 'c', type: 'queue', skills: ['vip'], priority: 9 },
        ]),
      );

      expect(audible(sut.start(0))).toEqual([
        { type: 'queue', queueId: 'billing', skills: ['en', 'billing', 'vip'], priority: 9, variables: {} },
      ]);
    });
  });

  describe('limits and misuse', () => {
    it('hangs up once the flow entered maxSteps nodes', () => {
      const sut = new IvrInterpreter(
        flowOf(
          [
            { id: 'm', type: 'menu', prompt: 'menu', options: { '9': 'again', '1': 'end' }, timeoutMs: 1000, maxAttempts: 1 },
            { id: 'again', type: 'goto', target: 'm' },
            { id: 'end', type: 'hangup' },
          ],
          { maxSteps: 5 },
        ),
      );
      sut.start(0);
      sut.onDigit('9', 1);
      const actions = sut.onDigit('9', 2);

      expect(steps(actions)).toEqual(['again', 'm']);
      expect(audible(sut.onDigit('9', 3))).toEqual([{ type: 'stopPlayback' }, { type: 'hangup', reason: 'step-limit' }]);
    });

    it('refuses an invalid flow at construction', () => {
      expect(() => new IvrInterpreter({ id: 'f', start: 'a', nodes: [{ id: 'a', type: 'goto', target: 'a' }] })).toThrow(IvrFlowError);
    });

    it('starts only once and reads a clock that steps back as no time passed', () => {
      const sut = new IvrInterpreter(flowOf([{ id: 'a', type: 'record', maxDurationMs: 5000 }]));

      expect(sut.start(10_000)).toEqual([
        { type: 'step', nodeId: 'a', nodeType: 'record' },
        { type: 'record', maxDurationMs: 5000, deadline: 15_000 },
      ]);
      expect(sut.start(0)).toEqual([]);
      expect(sut.onTimeout(1)).toEqual([]);
      expect(sut.onTimeout(15_000)).toEqual([{ type: 'stopRecording' }, { type: 'hangup', reason: 'completed' }]);
    });
  });
});
