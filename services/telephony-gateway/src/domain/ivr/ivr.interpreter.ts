import { isWithinBusinessHours } from './business-hours.policy';
import { CollectNode, DEFAULT_MAX_STEPS, DtmfDigit, IvrFlow, IvrNode, IvrNodeType, MenuNode } from './ivr-flow';
import { parseIvrFlow } from './ivr-flow.validator';

export type IvrHangupReason =
  /** The flow reached a hang-up node. */
  | 'completed'
  /** Attempts ran out on silence and the node has no `onFailure`. */
  | 'no-input'
  /** Attempts ran out on wrong input and the node has no `onFailure`. */
  | 'invalid-input'
  /** The flow entered more nodes than `maxSteps`. */
  | 'step-limit';

/** What the call must do next, in order. The media layer executes them; none carries I/O. */
export type IvrAction =
  /** The call entered a node (an "IVR step" call event). */
  | { readonly type: 'step'; readonly nodeId: string; readonly nodeType: IvrNodeType }
  /** Play the prompts back to back, then report `onPlaybackEnded`. */
  | { readonly type: 'play'; readonly prompts: readonly string[]; readonly bargeIn: boolean }
  | { readonly type: 'stopPlayback' }
  /** Digits are expected; report `onTimeout` at `deadline` if none arrives. Replaces any earlier timer. */
  | { readonly type: 'listen'; readonly timeoutMs: number; readonly deadline: number }
  /** Start recording the caller; report `onTimeout` at `deadline`. */
  | { readonly type: 'record'; readonly maxDurationMs: number; readonly deadline: number; readonly terminator?: DtmfDigit }
  | { readonly type: 'stopRecording' }
  | {
      readonly type: 'queue';
      readonly queueId: string;
      readonly skills: readonly string[];
      readonly priority: number;
      readonly variables: Readonly<Record<string, string>>;
    }
  | { readonly type: 'transfer'; readonly target: string; readonly variables: Readonly<Record<string, string>> }
  | { readonly type: 'hangup'; readonly reason: IvrHangupReason };

export type IvrTerminalAction = Extract<IvrAction, { type: 'queue' | 'transfer' | 'hangup' }>;

export type IvrPhase = 'new' | 'playing' | 'listening' | 'recording' | 'ended';

/** What happens when the current playback ends. */
type AfterPlayback =
  | { readonly kind: 'listen' }
  | { readonly kind: 'enter'; readonly nodeId: string }
  | { readonly kind: 'record' }
  | { readonly kind: 'finish'; readonly action: IvrTerminalAction };

const DEFAULT_PRIORITY = 0;

/**
 * Runs one call through a validated flow as a state machine. Every event takes the current
 * time and returns the actions to perform; events that do not fit the current phase (a late
 * timer, a digit during a plain prompt) return no actions. Never throws after construction.
 */
export class IvrInterpreter {
  private readonly nodes: ReadonlyMap<string, IvrNode>;
  private readonly maxSteps: number;
  private readonly patterns = new Map<string, RegExp>();
  private current: IvrNode | undefined;
  private phaseValue: IvrPhase = 'new';
  private afterPlayback: AfterPlayback | undefined;
  private deadlineValue: number | undefined;
  private lastNow = -Infinity;
  private steps = 0;
  private attempts = 0;
  private digits = '';
  private queueId: string | undefined;
  private skills: string[] = [];
  private priority: number | undefined;
  private readonly variablesValue: Record<string, string> = {};
  private outcome: IvrTerminalAction | undefined;

  /** Throws `IvrFlowError` when the flow is invalid. */
  constructor(private readonly flow: IvrFlow) {
    parseIvrFlow(flow);
    this.nodes = new Map(flow.nodes.map((node) => [node.id, node]));
    this.maxSteps = flow.maxSteps ?? DEFAULT_MAX_STEPS;
  }

  get phase(): IvrPhase {
    return this.phaseValue;
  }

  /** When `onTimeout` is due, if a timer runs. */
  get deadline(): number | undefined {
    return this.deadlineValue;
  }

  get nodeId(): string | undefined {
    return this.current?.id;
  }

  /** The action that ended the flow (queue, transfer or hang-up). */
  get result(): IvrTerminalAction | undefined {
    return this.outcome;
  }

  get variables(): Readonly<Record<string, string>> {
    return { ...this.variablesValue };
  }

  start(now: number): IvrAction[] {
    this.tick(now);
    if (this.phaseValue !== 'new') return [];
    return this.enter(this.flow.start);
  }

  onDigit(digit: DtmfDigit, now: number): IvrAction[] {
    this.tick(now);
    const node = this.current;
    if (!node) return [];
    if (this.phaseValue === 'recording') {
      return node.type === 'record' && node.terminator === digit ? this.endRecording() : [];
    }
    if (node.type === 'menu') {
      if (this.phaseValue === 'playing' && this.afterPlayback?.kind === 'listen') {
        return [{ type: 'stopPlayback' }, ...this.menuDigit(node, digit)];
      }
      return this.phaseValue === 'listening' ? this.menuDigit(node, digit) : [];
    }
    if (node.type === 'collect') {
      if (this.phaseValue === 'playing' && this.afterPlayback?.kind === 'listen') {
        this.phaseValue = 'listening';
        return [{ type: 'stopPlayback' }, ...this.collectDigit(node, digit)];
      }
      return this.phaseValue === 'listening' ? this.collectDigit(node, digit) : [];
    }
    return [];
  }

  onTimeout(now: number): IvrAction[] {
    this.tick(now);
    const node = this.current;
    if (!node || this.deadlineValue === undefined || this.lastNow < this.deadlineValue) return [];
    this.deadlineValue = undefined;
    if (this.phaseValue === 'recording') return this.endRecording();
    if (this.phaseValue !== 'listening') return [];
    if (node.type === 'menu') return this.retry(node, 'timeout');
    if (node.type === 'collect') return this.digits.length === 0 ? this.retry(node, 'timeout') : this.evaluate(node);
    return [];
  }

  onPlaybackEnded(now: number): IvrAction[] {
    this.tick(now);
    if (this.phaseValue !== 'playing' || !this.afterPlayback) return [];
    const after = this.afterPlayback;
    this.afterPlayback = undefined;
    switch (after.kind) {
      case 'enter':
        return this.enter(after.nodeId);
      case 'finish':
        return this.finish(after.action);
      case 'record':
        return this.startRecording();
      case 'listen': {
        const node = this.current as MenuNode | CollectNode;
        return this.listen(node.type === 'collect' && this.digits.length > 0 ? this.interDigitTimeout(node) : node.timeoutMs);
      }
    }
  }

  private tick(now: number): void {
    // A clock that steps back is read as "no time passed".
    if (Number.isFinite(now) && now > this.lastNow) this.lastNow = now;
  }

  /** Enters a node and runs through the ones that need no caller (goto, setQueue, hours). */
  private enter(nodeId: string): IvrAction[] {
    const actions: IvrAction[] = [];
    let next: string | undefined = nodeId;
    while (next !== undefined) {
      if (this.steps >= this.maxSteps) return [...actions, ...this.finish({ type: 'hangup', reason: 'step-limit' })];
      this.steps++;
      const node: IvrNode = this.nodes.get(next)!;
      this.current = node;
      this.attempts = 0;
      this.digits = '';
      this.deadlineValue = undefined;
      actions.push({ type: 'step', nodeId: node.id, nodeType: node.type });
      next = undefined;
      switch (node.type) {
        case 'goto':
          next = node.target;
          break;
        case 'setQueue':
          if (node.queueId !== undefined) this.queueId = node.queueId;
          if (node.priority !== undefined) this.priority = node.priority;
          for (const skill of node.skills ?? []) if (!this.skills.includes(skill)) this.skills.push(skill);
          next = node.next;
          break;
        case 'businessHours':
          next = isWithinBusinessHours(node.hours, this.lastNow) ? node.open : node.closed;
          break;
        case 'play':
          return [...actions, ...this.play(node.prompts, false, { kind: 'enter', nodeId: node.next })];
        case 'menu':
        case 'collect':
          return [...actions, ...this.play([node.prompt], true, { kind: 'listen' })];
        case 'record':
          return node.prompt
            ? [...actions, ...this.play([node.prompt], false, { kind: 'record' })]
            : [...actions, ...this.startRecording()];
        case 'queue': {
          const skills = [...this.skills];
          for (const skill of node.skills ?? []) if (!skills.includes(skill)) skills.push(skill);
          return [
            ...actions,
            ...this.finish({
              type: 'queue',
              // The validator guarantees a queue id on every path to a queue node.
              queueId: node.queueId ?? this.queueId!,
              skills,
              priority: node.priority ?? this.priority ?? DEFAULT_PRIORITY,
              variables: this.variables,
            }),
          ];
        }
        case 'transfer': {
          const action: IvrTerminalAction = { type: 'transfer', target: node.target, variables: this.variables };
          return [...actions, ...(node.prompt ? this.play([node.prompt], false, { kind: 'finish', action }) : this.finish(action))];
        }
        case 'hangup': {
          const action: IvrTerminalAction = { type: 'hangup', reason: 'completed' };
          return [...actions, ...(node.prompt ? this.play([node.prompt], false, { kind: 'finish', action }) : this.finish(action))];
        }
      }
    }
    return actions;
  }

  private play(prompts: readonly string[], bargeIn: boolean, after: AfterPlayback): IvrAction[] {
    this.phaseValue = 'playing';
    this.afterPlayback = after;
    this.deadlineValue = undefined;
    return [{ type: 'play', prompts, bargeIn }];
  }

  private listen(timeoutMs: number): IvrAction[] {
    this.phaseValue = 'listening';
    this.deadlineValue = this.lastNow + timeoutMs;
    return [{ type: 'listen', timeoutMs, deadline: this.deadlineValue }];
  }

  private startRecording(): IvrAction[] {
    const node = this.current;
    if (node?.type !== 'record') return [];
    this.phaseValue = 'recording';
    this.deadlineValue = this.lastNow + node.maxDurationMs;
    return [
      {
        type: 'record',
        maxDurationMs: node.maxDurationMs,
        deadline: this.deadlineValue,
        ...(node.terminator ? { terminator: node.terminator } : {}),
      },
    ];
  }

  private endRecording(): IvrAction[] {
    const node = this.current;
    if (node?.type !== 'record') return [];
    this.deadlineValue = undefined;
    const stop: IvrAction = { type: 'stopRecording' };
    return node.next ? [stop, ...this.enter(node.next)] : [stop, ...this.finish({ type: 'hangup', reason: 'completed' })];
  }

  private finish(action: IvrTerminalAction): IvrAction[] {
    this.phaseValue = 'ended';
    this.afterPlayback = undefined;
    this.deadlineValue = undefined;
    this.outcome = action;
    return [action];
  }

  private menuDigit(node: MenuNode, digit: DtmfDigit): IvrAction[] {
    const target = node.options[digit];
    return target ? this.enter(target) : this.retry(node, 'invalid');
  }

  private collectDigit(node: CollectNode, digit: DtmfDigit): IvrAction[] {
    if (digit === node.terminator) return this.evaluate(node);
    this.digits += digit;
    if (this.digits.length >= node.maxLength) return this.evaluate(node);
    return this.listen(this.interDigitTimeout(node));
  }

  private interDigitTimeout(node: CollectNode): number {
    return node.interDigitTimeoutMs ?? node.timeoutMs;
  }

  private evaluate(node: CollectNode): IvrAction[] {
    const value = this.digits;
    const valid =
      value.length >= node.minLength && value.length <= node.maxLength && (!node.pattern || this.pattern(node.pattern).test(value));
    if (!valid) return this.retry(node, 'invalid');
    this.variablesValue[node.variable] = value;
    return this.enter(node.next);
  }

  private retry(node: MenuNode | CollectNode, why: 'invalid' | 'timeout'): IvrAction[] {
    this.attempts++;
    this.digits = '';
    this.deadlineValue = undefined;
    if (this.attempts >= node.maxAttempts) {
      if (node.onFailure) return this.enter(node.onFailure);
      return this.finish({ type: 'hangup', reason: why === 'invalid' ? 'invalid-input' : 'no-input' });
    }
    const notice = why === 'invalid' ? node.invalidPrompt : node.timeoutPrompt;
    return this.play(notice ? [notice, node.prompt] : [node.prompt], true, { kind: 'listen' });
  }

  private pattern(source: string): RegExp {
    let compiled = this.patterns.get(source);
    if (!compiled) {
      compiled = new RegExp(`^(?:${source})$`);
      this.patterns.set(source, compiled);
    }
    return compiled;
  }
}
