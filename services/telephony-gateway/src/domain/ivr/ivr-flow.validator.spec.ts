import { IvrFlowError } from './ivr-flow-error';
import { ivrFlowProblems, parseIvrFlow } from './ivr-flow.validator';
import { SAMPLE_IVR_FLOW } from './sample-ivr.flow';

describe(ivrFlowProblems.name, () => {
  const sut = ivrFlowProblems;
  const flow = (nodes: unknown[], start = 'a') => ({ id: 'f', start, nodes });

  it('accepts the sample flow, also against its prompt list', () => {
    const prompts = ['welcome', 'main-menu', 'invalid-option', 'no-input', 'account-number', 'transfer', 'after-hours', 'goodbye'];

    expect(sut(SAMPLE_IVR_FLOW)).toEqual([]);
    expect(sut(SAMPLE_IVR_FLOW, { prompts })).toEqual([]);
  });

  it('rejects what is not a flow', () => {
    expect(sut(null)).toEqual([{ code: 'INVALID_FIELD', path: '$', message: 'flow must be an object' }]);
    expect(sut({ id: 'f', start: 'a', nodes: [] })).toEqual([
      { code: 'INVALID_FIELD', path: 'nodes', message: 'must be a non-empty array' },
    ]);
  });

  it('reports references to unknown nodes with their path', () => {
    const problems = sut(
      flow([
        { id: 'a', type: 'menu', prompt: 'p', options: { '1': 'b', '2': 'nowhere' }, timeoutMs: 1000, maxAttempts: 2, onFailure: 'gone' },
        { id: 'b', type: 'hangup' },
      ]),
    );

    expect(problems).toEqual([
      { code: 'UNKNOWN_NODE_REF', path: 'nodes[0].options.2', message: 'no node "nowhere"' },
      { code: 'UNKNOWN_NODE_REF', path: 'nodes[0].onFailure', message: 'no node "gone"' },
    ]);
  });

  it('reports an unknown start node and duplicate ids', () => {
    expect(sut(flow([{ id: 'a', type: 'hangup' }, { id: 'a', type: 'hangup' }], 'z'))).toEqual([
      { code: 'DUPLICATE_NODE', path: 'nodes[1].id', message: '"a" is already the id of nodes[0]' },
      { code: 'UNKNOWN_NODE_REF', path: 'start', message: 'no node "z"' },
    ]);
  });

  it('reports unreachable nodes', () => {
    expect(sut(flow([{ id: 'a', type: 'hangup' }, { id: 'orphan', type: 'hangup' }]))).toEqual([
      { code: 'UNREACHABLE_NODE', path: 'nodes[1]', message: '"orphan" cannot be reached from "a"' },
    ]);
  });

  it('reports a loop the caller cannot leave, naming its nodes', () => {
    const problems = sut(
      flow([
        { id: 'a', type: 'play', prompts: ['hello'], next: 'b' },
        { id: 'b', type: 'goto', target: 'c' },
        { id: 'c', type: 'play', prompts: ['again'], next: 'b' },
      ]),
    );

    expect(problems).toEqual([
      { code: 'CYCLE_WITHOUT_INPUT', path: 'nodes[1]', message: 'b → c → b loops without the caller pressing a key' },
    ]);
  });

  it('counts a menu failure branch as no input, so a timeout-only loop is refused', () => {
    const problems = sut(
      flow([
        { id: 'a', type: 'menu', prompt: 'm', options: { '1': 'end' }, timeoutMs: 1000, maxAttempts: 1, onFailure: 'sorry' },
        { id: 'sorry', type: 'play', prompts: ['sorry'], next: 'a' },
        { id: 'end', type: 'hangup' },
      ]),
    );

    expect(problems.map((p) => p.code)).toEqual(['CYCLE_WITHOUT_INPUT']);
  });

  it('allows loops through a digit (press 9 to repeat)', () => {
    expect(
      sut(
        flow([
          { id: 'a', type: 'menu', prompt: 'm', options: { '9': 'again', '1': 'end' }, timeoutMs: 1000, maxAttempts: 1 },
          { id: 'again', type: 'goto', target: 'a' },
          { id: 'end', type: 'hangup' },
        ]),
      ),
    ).toEqual([]);
  });

  it('reports missing and unknown prompts', () => {
    const problems = sut(
      flow([
        { id: 'a', type: 'play', prompts: [], next: 'b' },
        { id: 'b', type: 'menu', options: { '1': 'c' }, timeoutMs: 1000, maxAttempts: 1, invalidPrompt: 'oops' },
        { id: 'c', type: 'hangup', prompt: 'bye' },
      ]),
      { prompts: ['bye'] },
    );

    expect(problems).toEqual([
      { code: 'MISSING_PROMPT', path: 'nodes[0].prompts', message: 'a play node needs at least one prompt' },
      { code: 'MISSING_PROMPT', path: 'nodes[1].prompt', message: 'a menu node needs a prompt' },
      { code: 'UNKNOWN_PROMPT', path: 'nodes[1].invalidPrompt', message: 'no prompt "oops"' },
    ]);
  });

  it('reports a queue node reachable before any queue id is set', () => {
    const problems = sut(
      flow([
        { id: 'a', type: 'menu', prompt: 'm', options: { '1': 'set', '2': 'q' }, timeoutMs: 1000, maxAttempts: 1 },
        { id: 'set', type: 'setQueue', queueId: 'sales', next: 'q' },
        { id: 'q', type: 'queue' },
      ]),
    );

    expect(problems).toEqual([{ code: 'QUEUE_NOT_SET', path: 'nodes[2]', message: '"q" can be reached before any node sets a queue id' }]);
  });

  it('checks the fields of each node type', () => {
    const problems = sut(
      flow([
        { id: 'a', type: 'menu', prompt: 'm', options: { '1': 'b', x: 'b' }, timeoutMs: 0, maxAttempts: 11 },
        {
          id: 'b',
          type: 'collect',
          prompt: 'p',
          variable: '1bad',
          minLength: 5,
          maxLength: 4,
          pattern: '([0-9',
          terminator: '##',
          timeoutMs: 1000,
          maxAttempts: 1,
          next: 'c',
        },
        { id: 'c', type: 'businessHours', hours: { timeZone: 'UTC', weekly: [], holidays: ['x'] }, open: 'd', closed: 'e' },
        { id: 'd', type: 'transfer', target: 'not a number' },
        { id: 'e', type: 'record', maxDurationMs: 10, next: 'f' },
        { id: 'f', type: 'setQueue', next: 'g' },
        { id: 'g', type: 'teleport' },
      ]),
    );

    expect(problems.map((p) => `${p.path}: ${p.message}`)).toEqual([
      'nodes[0].timeoutMs: must be an integer from 1 to 600000',
      'nodes[0].maxAttempts: must be an integer from 1 to 10',
      'nodes[0].options.x: is not a DTMF key (0-9 * # A-D)',
      'nodes[1].variable: must be an identifier (letters, digits, _)',
      'nodes[1].minLength: is above maxLength (4)',
      expect.stringMatching(/^nodes\[1\]\.pattern: is not a regular expression: /),
      'nodes[1].terminator: must be one DTMF key (0-9 * # A-D)',
      'nodes[2].hours: holidays[0] must be YYYY-MM-DD',
      'nodes[3].target: must be a phone number (+ and 2–20 digits) or a sip: URI',
      'nodes[4].maxDurationMs: must be an integer from 1000 to 600000',
      'nodes[5]: a setQueue node must set queueId, skills or priority',
      'nodes[6].type: unknown node type "teleport"',
    ]);
  });
});

describe(parseIvrFlow.name, () => {
  it('throws an IvrFlowError carrying every problem', () => {
    const attempt = () => parseIvrFlow({ id: 'f', start: 'x', nodes: [{ id: 'a', type: 'goto', target: 'y' }] });

    expect(attempt).toThrow(IvrFlowError);
    expect(attempt).toThrow('invalid IVR flow: start: no node "x"; nodes[0].target: no node "y"');
  });
});
