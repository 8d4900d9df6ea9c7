import { businessHoursProblems } from './business-hours.policy';
import { DTMF_DIGITS, IvrFlow } from './ivr-flow';
import { IvrFlowError, IvrFlowProblem, IvrFlowProblemCode } from './ivr-flow-error';

export interface IvrFlowValidationOptions {
  /** Prompt ids that exist; when given, every referenced prompt must be one of them. */
  readonly prompts?: Iterable<string>;
}

/** An edge of the flow graph; `input` when only a caller's digits can take it. */
interface Edge {
  readonly from: string;
  readonly to: string;
  readonly path: string;
  readonly input: boolean;
}

type Json = Record<string, unknown>;

const digits = new Set<string>(DTMF_DIGITS);
const idPattern = /^[A-Za-z0-9_.-]{1,64}$/;
const variablePattern = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
// A phone number (E.164 or a short extension) or a SIP URI.
const transferTargetPattern = /^(?:\+?[0-9]{2,20}|sips?:[^\s@]+@[^\s]+)$/;
const MAX_TIMEOUT_MS = 10 * 60_000;
const MAX_ATTEMPTS = 10;
const MAX_DIGITS = 64;

/**
 * Every problem of an untrusted flow document, in document order: shape first, then the graph
 * (references, reachability, cycles a caller cannot leave by pressing keys, queues without a
 * queue id). Empty when the flow may run.
 */
export function ivrFlowProblems(input: unknown, options: IvrFlowValidationOptions = {}): IvrFlowProblem[] {
  const problems: IvrFlowProblem[] = [];
  const report = (code: IvrFlowProblemCode, path: string, message: string) => problems.push({ code, path, message });
  if (!isObject(input)) {
    report('INVALID_FIELD', '$', 'flow must be an object');
    return problems;
  }
  if (typeof input.id !== 'string' || !idPattern.test(input.id)) report('INVALID_FIELD', 'id', 'must be 1–64 of A-Z a-z 0-9 _ . -');
  if (input.maxSteps !== undefined && !isIntIn(input.maxSteps, 1, 10_000)) {
    report('INVALID_FIELD', 'maxSteps', 'must be an integer from 1 to 10000');
  }
  if (!Array.isArray(input.nodes) || input.nodes.length === 0) {
    report('INVALID_FIELD', 'nodes', 'must be a non-empty array');
    return problems;
  }

  const known = options.prompts ? new Set(options.prompts) : undefined;
  const ids = new Map<string, number>();
  const edges: Edge[] = [];
  const nodes: Json[] = [];
  input.nodes.forEach((raw: unknown, index) => {
    const at = `nodes[${index}]`;
    if (!isObject(raw)) {
      report('INVALID_FIELD', at, 'must be an object');
      return;
    }
    if (typeof raw.id !== 'string' || !idPattern.test(raw.id)) {
      report('INVALID_FIELD', `${at}.id`, 'must be 1–64 of A-Z a-z 0-9 _ . -');
      return;
    }
    if (ids.has(raw.id)) {
      report('DUPLICATE_NODE', `${at}.id`, `"${raw.id}" is already the id of nodes[${ids.get(raw.id)}]`);
      return;
    }
    ids.set(raw.id, index);
    nodes.push(raw);
    checkNode(raw, at, report, edges, known);
  });

  if (typeof input.start !== 'string') report('INVALID_FIELD', 'start', 'must name a node');
  else if (!ids.has(input.start)) report('UNKNOWN_NODE_REF', 'start', `no node "${input.start}"`);

  for (const edge of edges) {
    if (!ids.has(edge.to)) report('UNKNOWN_NODE_REF', edge.path, `no node "${edge.to}"`);
  }
  // Graph checks make sense only over a graph whose every edge lands somewhere.
  if (problems.length > 0) return problems;

  const start = input.start as string;
  const outgoing = new Map<string, Edge[]>();
  for (const edge of edges) outgoing.set(edge.from, [...(outgoing.get(edge.from) ?? []), edge]);

  const reachable = new Set<string>([start]);
  const frontier = [start];
  while (frontier.length > 0) {
    for (const edge of outgoing.get(frontier.pop()!) ?? []) {
      if (!reachable.has(edge.to)) {
        reachable.add(edge.to);
        frontier.push(edge.to);
      }
    }
  }
  for (const node of nodes) {
    const id = node.id as string;
    if (!reachable.has(id)) report('UNREACHABLE_NODE', `nodes[${ids.get(id)}]`, `"${id}" cannot be reached from "${start}"`);
  }

  const cycle = cycleWithoutInput(start, outgoing);
  if (cycle) {
    report(
      'CYCLE_WITHOUT_INPUT',
      `nodes[${ids.get(cycle[0])}]`,
      `${cycle.join(' → ')} loops without the caller pressing a key`,
    );
  }

  const byId = new Map(nodes.map((n) => [n.id as string, n]));
  for (const id of queuesReachableWithoutQueueId(start, byId, outgoing)) {
    report('QUEUE_NOT_SET', `nodes[${ids.get(id)}]`, `"${id}" can be reached before any node sets a queue id`);
  }
  return problems;
}

/** The flow, typed, or an `IvrFlowError` listing every problem. */
export function parseIvrFlow(input: unknown, options: IvrFlowValidationOptions = {}): IvrFlow {
  const problems = ivrFlowProblems(input, options);
  if (problems.length > 0) throw new IvrFlowError(problems);
  return input as IvrFlow;
}

function checkNode(
  node: Json,
  at: string,
  report: (code: IvrFlowProblemCode, path: string, message: string) => void,
  edges: Edge[],
  known: ReadonlySet<string> | undefined,
): void {
  const id = node.id as string;
  const edge = (field: string, input: boolean, required = true) => {
    const target = node[field];
    if (target === undefined && !required) return;
    if (typeof target !== 'string') report('INVALID_FIELD', `${at}.${field}`, 'must name a node');
    else edges.push({ from: id, to: target, path: `${at}.${field}`, input });
  };
  const prompt = (field: string, required: boolean) => {
    const value = node[field];
    if (value === undefined) {
      if (required) report('MISSING_PROMPT', `${at}.${field}`, `a ${String(node.type)} node needs a prompt`);
    } else if (typeof value !== 'string' || value.length === 0) {
      report('INVALID_FIELD', `${at}.${field}`, 'must be a prompt id');
    } else if (known && !known.has(value)) {
      report('UNKNOWN_PROMPT', `${at}.${field}`, `no prompt "${value}"`);
    }
  };
  const int = (field: string, min: number, max: number, required = true) => {
    const value = node[field];
    if (value === undefined && !required) return;
    if (!isIntIn(value, min, max)) report('INVALID_FIELD', `${at}.${field}`, `must be an integer from ${min} to ${max}`);
  };
  const digit = (field: string) => {
    const value = node[field];
    if (value !== undefined && (typeof value !== 'string' || !digits.has(value))) {
      report('INVALID_FIELD', `${at}.${field}`, 'must be one DTMF key (0-9 * # A-D)');
    }
  };
  const stringList = (field: string) => {
    const value = node[field];
    if (value === undefined) return;
    if (!Array.isArray(value) || value.some((s) => typeof s !== 'string' || s.length === 0)) {
      report('INVALID_FIELD', `${at}.${field}`, 'must be a list of non-empty strings');
    }
  };
  const queueFields = () => {
    if (node.queueId !== undefined && (typeof node.queueId !== 'string' || node.queueId.length === 0)) {
      report('INVALID_FIELD', `${at}.queueId`, 'must be a non-empty string');
    }
    stringList('skills');
    int('priority', 0, 1000, false);
  };

  switch (node.type) {
    case 'play': {
      const prompts = node.prompts;
      if (!Array.isArray(prompts) || prompts.length === 0) {
        report('MISSING_PROMPT', `${at}.prompts`, 'a play node needs at least one prompt');
      } else {
        prompts.forEach((p: unknown, i) => {
          if (typeof p !== 'string' || p.length === 0) report('INVALID_FIELD', `${at}.prompts[${i}]`, 'must be a prompt id');
          else if (known && !known.has(p)) report('UNKNOWN_PROMPT', `${at}.prompts[${i}]`, `no prompt "${p}"`);
        });
      }
      edge('next', false);
      return;
    }
    case 'menu': {
      prompt('prompt', true);
      prompt('invalidPrompt', false);
      prompt('timeoutPrompt', false);
      int('timeoutMs', 1, MAX_TIMEOUT_MS);
      int('maxAttempts', 1, MAX_ATTEMPTS);
      if (!isObject(node.options) || Object.keys(node.options).length === 0) {
        report('INVALID_FIELD', `${at}.options`, 'must map at least one DTMF key to a node');
      } else {
        for (const [key, target] of Object.entries(node.options)) {
          if (!digits.has(key)) report('INVALID_FIELD', `${at}.options.${key}`, 'is not a DTMF key (0-9 * # A-D)');
          else if (typeof target !== 'string') report('INVALID_FIELD', `${at}.options.${key}`, 'must name a node');
          else edges.push({ from: id, to: target, path: `${at}.options.${key}`, input: true });
        }
      }
      edge('onFailure', false, false);
      return;
    }
    case 'collect': {
      prompt('prompt', true);
      prompt('invalidPrompt', false);
      prompt('timeoutPrompt', false);
      if (typeof node.variable !== 'string' || !variablePattern.test(node.variable)) {
        report('INVALID_FIELD', `${at}.variable`, 'must be an identifier (letters, digits, _)');
      }
      int('minLength', 1, MAX_DIGITS);
      int('maxLength', 1, MAX_DIGITS);
      if (isIntIn(node.minLength, 1, MAX_DIGITS) && isIntIn(node.maxLength, 1, MAX_DIGITS) && node.minLength > node.maxLength) {
        report('INVALID_FIELD', `${at}.minLength`, `is above maxLength (${node.maxLength})`);
      }
      if (node.pattern !== undefined) {
        if (typeof node.pattern !== 'string') report('INVALID_FIELD', `${at}.pattern`, 'must be a regular expression');
        else {
          try {
            new RegExp(node.pattern);
          } catch (error) {
            report('INVALID_FIELD', `${at}.pattern`, `is not a regular expression: ${(error as Error).message}`);
          }
        }
      }
      digit('terminator');
      int('timeoutMs', 1, MAX_TIMEOUT_MS);
      int('interDigitTimeoutMs', 1, MAX_TIMEOUT_MS, false);
      int('maxAttempts', 1, MAX_ATTEMPTS);
      // At least one digit is required, so `next` is only ever taken on caller input.
      edge('next', true);
      edge('onFailure', false, false);
      return;
    }
    case 'businessHours': {
      for (const problem of businessHoursProblems(node.hours)) report('INVALID_FIELD', `${at}.hours`, problem);
      edge('open', false);
      edge('closed', false);
      return;
    }
    case 'setQueue':
      queueFields();
      if (node.queueId === undefined && node.skills === undefined && node.priority === undefined) {
        report('INVALID_FIELD', at, 'a setQueue node must set queueId, skills or priority');
      }
      edge('next', false);
      return;
    case 'queue':
      queueFields();
      return;
    case 'transfer':
      prompt('prompt', false);
      if (typeof node.target !== 'string' || !transferTargetPattern.test(node.target)) {
        report('INVALID_FIELD', `${at}.target`, 'must be a phone number (+ and 2–20 digits) or a sip: URI');
      }
      return;
    case 'record':
      prompt('prompt', false);
      int('maxDurationMs', 1000, 10 * 60_000);
      digit('terminator');
      edge('next', false, false);
      return;
    case 'hangup':
      prompt('prompt', false);
      return;
    case 'goto':
      edge('target', false);
      return;
    default:
      report('INVALID_FIELD', `${at}.type`, `unknown node type ${JSON.stringify(node.type)}`);
  }
}

/** The first cycle (as node ids, closed) made only of edges the flow takes without input. */
function cycleWithoutInput(start: string, outgoing: ReadonlyMap<string, readonly Edge[]>): string[] | undefined {
  const done = new Set<string>();
  const onPath: string[] = [];
  const visit = (id: string): string[] | undefined => {
    const loopAt = onPath.indexOf(id);
    if (loopAt >= 0) return [...onPath.slice(loopAt), id];
    if (done.has(id)) return undefined;
    onPath.push(id);
    for (const edge of outgoing.get(id) ?? []) {
      if (edge.input) continue;
      const cycle = visit(edge.to);
      if (cycle) return cycle;
    }
    onPath.pop();
    done.add(id);
    return undefined;
  };
  // Input edges are walked too so cycles behind a menu are found; they just never close one.
  const seen = new Set<string>([start]);
  const order = [start];
  for (let i = 0; i < order.length; i++) {
    const cycle = visit(order[i]);
    if (cycle) return cycle;
    for (const edge of outgoing.get(order[i]) ?? []) {
      if (!seen.has(edge.to)) {
        seen.add(edge.to);
        order.push(edge.to);
      }
    }
  }
  return undefined;
}

/** Queue nodes without their own queue id that some path reaches before any setQueue sets one. */
function queuesReachableWithoutQueueId(
  start: string,
  byId: ReadonlyMap<string, Json>,
  outgoing: ReadonlyMap<string, readonly Edge[]>,
): string[] {
  // Forward search over the nodes reachable while no queue id is set yet.
  const unset = new Set<string>([start]);
  const frontier = [start];
  while (frontier.length > 0) {
    const id = frontier.pop()!;
    const node = byId.get(id)!;
    if (node.type === 'setQueue' && node.queueId !== undefined) continue;
    for (const edge of outgoing.get(id) ?? []) {
      if (!unset.has(edge.to)) {
        unset.add(edge.to);
        frontier.push(edge.to);
      }
    }
  }
  return [...byId.values()]
    .filter((node) => unset.has(node.id as string) && node.type === 'queue' && node.queueId === undefined)
    .map((node) => node.id as string);
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isIntIn(value: unknown, min: number, max: number): value is number {
  return Number.isInteger(value) && (value as number) >= min && (value as number) <= max;
}

