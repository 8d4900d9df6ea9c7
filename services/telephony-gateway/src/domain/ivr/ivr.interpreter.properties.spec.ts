import fc from 'fast-check';
import { DTMF_DIGITS, DtmfDigit, IvrFlow, IvrNode } from './ivr-flow';
import { ivrFlowProblems } from './ivr-flow.validator';
import { IvrAction, IvrInterpreter } from './ivr.interpreter';

const MAX_STEPS = 40;
const MAX_ATTEMPTS = 3;
const MAX_LENGTH = 6;
// Per node entry: every attempt takes at most MAX_LENGTH digits, a timeout and a playback end.
const EVENT_BOUND = MAX_STEPS * MAX_ATTEMPTS * (MAX_LENGTH + 3) + 10;

const digit = fc.constantFrom(...DTMF_DIGITS);
const hours = fc.record({
  timeZone: fc.constantFrom('UTC', 'Europe/Berlin', 'Asia/Tokyo'),
  weekly: fc.array(fc.record({ day: fc.integer({ min: 0, max: 6 }), open: fc.constant('08:00'), close: fc.constant('18:00') })),
  holidays: fc.constant(['2026-01-01']),
});

/**
 * Random flows that pass validation by construction: edges taken without caller input only
 * point forward (no silent loops); digit edges may point anywhere, loops included.
 */
const flows: fc.Arbitrary<IvrFlow> = fc.integer({ min: 1, max: 12 }).chain((size) => {
  const id = (i: number) => `n${i}`;
  const forward = (i: number) => (i + 1 < size ? fc.integer({ min: i + 1, max: size - 1 }).map(id) : fc.constant(undefined));
  const anywhere = fc.integer({ min: 0, max: size - 1 }).map(id);
  const terminal = (i: number): fc.Arbitrary<IvrNode> =>
    fc.oneof(
      fc.constant<IvrNode>({ id: id(i), type: 'hangup', prompt: 'bye' }),
      fc.constant<IvrNode>({ id: id(i), type: 'queue', queueId: 'q', skills: ['s'] }),
      fc.constant<IvrNode>({ id: id(i), type: 'transfer', target: '+15551234' }),
    );
  const node = (i: number): fc.Arbitrary<IvrNode> =>
    forward(i).chain((next) => {
      if (next === undefined) {
        return fc.oneof(
          terminal(i),
          fc.record({ options: fc.dictionary(digit, anywhere, { minKeys: 1, maxKeys: 4 }), attempts: fc.integer({ min: 1, max: MAX_ATTEMPTS }) }).map(
            ({ options, attempts }): IvrNode => ({ id: id(i), type: 'menu', prompt: 'm', options, timeoutMs: 3000, maxAttempts: attempts }),
          ),
          fc.constant<IvrNode>({ id: id(i), type: 'record', maxDurationMs: 5000, terminator: '#' }),
        );
      }
      return fc.oneof(
        terminal(i),
        fc.constant<IvrNode>({ id: id(i), type: 'play', prompts: ['p'], next }),
        fc.constant<IvrNode>({ id: id(i), type: 'goto', target: next }),
        fc.constant<IvrNode>({ id: id(i), type: 'setQueue', queueId: 'q2', priority: 3, next }),
        fc.constant<IvrNode>({ id: id(i), type: 'record', prompt: 'beep', maxDurationMs: 5000, terminator: '#', next }),
        fc.tuple(hours, forward(i)).map(([h, closed]): IvrNode => ({ id: id(i), type: 'businessHours', hours: h, open: next, closed: closed! })),
        fc
          .record({
            options: fc.dictionary(digit, anywhere, { minKeys: 1, maxKeys: 4 }),
            attempts: fc.integer({ min: 1, max: MAX_ATTEMPTS }),
            timeoutPrompt: fc.option(fc.constant('silence'), { nil: undefined }),
          })
          .map(
            ({ options, attempts, timeoutPrompt }): IvrNode => ({
              id: id(i),
              type: 'menu',
              prompt: 'm',
              options,
              timeoutMs: 3000,
              maxAttempts: attempts,
              onFailure: next,
              ...(timeoutPrompt ? { timeoutPrompt } : {}),
            }),
          ),
        fc
          .record({
            min: fc.integer({ min: 1, max: MAX_LENGTH }),
            extra: fc.integer({ min: 0, max: 2 }),
            success: anywhere,
            attempts: fc.integer({ min: 1, max: MAX_ATTEMPTS }),
            terminator: fc.option(fc.constant<DtmfDigit>('#'), { nil: undefined }),
          })
          .map(
            ({ min, extra, success, attempts, terminator }): IvrNode => ({
              id: id(i),
              type: 'collect',
              prompt: 'c',
              variable: 'v',
              minLength: min,
              maxLength: Math.min(MAX_LENGTH, min + extra),
              pattern: '[0-9]+',
              timeoutMs: 4000,
              interDigitTimeoutMs: 2000,
              maxAttempts: attempts,
              next: success,
              onFailure: next,
              ...(terminator ? { terminator } : {}),
            }),
          ),
      );
    });
  return fc.tuple(...Array.from({ length: size }, (_, i) => node(i))).map((nodes) => reachableOnly({ id: 'gen', start: 'n0', nodes, maxSteps: MAX_STEPS }));
});

type CallerInput = DtmfDigit | 'silence';
type AnyEvent = { kind: 'digit'; digit: DtmfDigit } | { kind: 'timeout' } | { kind: 'playbackEnded' } | { kind: 'start' };

const terminalTypes = new Set(['queue', 'transfer', 'hangup']);

describe(`${IvrInterpreter.name} properties`, () => {
  it('generates only valid flows', () => {
    fc.assert(fc.property(flows, (flow) => ivrFlowProblems(flow).length === 0));
  });

  it('any caller behaviour ends in exactly one terminal action within the bound, and nothing follows it', () => {
    fc.assert(
      fc.property(flows, fc.array(fc.oneof(digit, fc.constant<CallerInput>('silence')), { maxLength: 300 }), (flow, inputs) => {
        const sut = new IvrInterpreter(flow);
        let now = Date.parse('2026-03-02T09:00:00Z');
        const all: IvrAction[] = [...sut.start(now)];
        let events = 0;
        let next = 0;
        while (sut.phase !== 'ended') {
          events++;
          if (events > EVENT_BOUND) throw new Error(`no terminal action after ${EVENT_BOUND} events`);
          now += 700;
          if (sut.phase === 'playing') {
            all.push(...sut.onPlaybackEnded(now));
            continue;
          }
          const input: CallerInput = next < inputs.length ? inputs[next++] : 'silence';
          if (input === 'silence') {
            now = Math.max(now, sut.deadline ?? now);
            all.push(...sut.onTimeout(now));
          } else {
            all.push(...sut.onDigit(input, now));
          }
        }
        const terminals = all.filter((a) => terminalTypes.has(a.type));
        expect(terminals).toHaveLength(1);
        expect(all[all.length - 1]).toBe(terminals[0]);
        expect(sut.result).toEqual(terminals[0]);
        expect([...sut.onDigit('1', now + 1), ...sut.onTimeout(now + 1e9), ...sut.onPlaybackEnded(now + 1e9)]).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('never throws on arbitrary events in any order, and timers never point into the past', () => {
    const events = fc.array(
      fc.oneof(
        digit.map((d): AnyEvent => ({ kind: 'digit', digit: d })),
        fc.constant<AnyEvent>({ kind: 'timeout' }),
        fc.constant<AnyEvent>({ kind: 'playbackEnded' }),
        fc.constant<AnyEvent>({ kind: 'start' }),
      ),
      { maxLength: 200 },
    );
    fc.assert(
      fc.property(flows, events, fc.array(fc.integer({ min: -5000, max: 20_000 }), { minLength: 1 }), (flow, sequence, steps) => {
        const sut = new IvrInterpreter(flow);
        let now = 1_700_000_000_000;
        let latest = now;
        sut.start(now);
        sequence.forEach((event, i) => {
          now += steps[i % steps.length];
          latest = Math.max(latest, now);
          const actions =
            event.kind === 'digit'
              ? sut.onDigit(event.digit, now)
              : event.kind === 'timeout'
                ? sut.onTimeout(now)
                : event.kind === 'playbackEnded'
                  ? sut.onPlaybackEnded(now)
                  : sut.start(now);
          for (const action of actions) {
            if (action.type === 'listen' || action.type === 'record') expect(action.deadline).toBeGreaterThan(latest);
          }
          if (sut.deadline !== undefined) expect(['listening', 'recording']).toContain(sut.phase);
        });
      }),
      { numRuns: 300 },
    );
  });
});

/** Drops nodes the start cannot reach, so generated flows pass the reachability check. */
function reachableOnly(flow: IvrFlow): IvrFlow {
  const byId = new Map(flow.nodes.map((n) => [n.id, n]));
  const seen = new Set([flow.start]);
  const stack = [flow.start];
  while (stack.length > 0) {
    const node = byId.get(stack.pop()!)!;
    const targets: (string | undefined)[] = [];
    switch (node.type) {
      case 'play':
      case 'setQueue':
        targets.push(node.next);
        break;
      case 'goto':
        targets.push(node.target);
        break;
      case 'businessHours':
        targets.push(node.open, node.closed);
        break;
      case 'menu':
        targets.push(...Object.values(node.options), node.onFailure);
        break;
      case 'collect':
        targets.push(node.next, node.onFailure);
        break;
      case 'record':
        targets.push(node.next);
        break;
    }
    for (const target of targets) {
      if (target !== undefined && !seen.has(target)) {
        seen.add(target);
        stack.push(target);
      }
    }
  }
  return { ...flow, nodes: flow.nodes.filter((n) => seen.has(n.id)) };
}
