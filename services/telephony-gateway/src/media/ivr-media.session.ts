import { performance } from 'node:perf_hooks';
import { IvrAction, IvrFlow, IvrInterpreter, IvrTerminalAction } from '../domain/ivr';
import { PromptLibrary } from './prompts/prompt-library';
import { RecordingRef, RecordingStore } from './recording/recording.store';
import { TwoChannelRecorder } from './recording/two-channel-recorder';
import { RtpEndpoint } from './rtp-endpoint';

export interface IvrMediaSessionOptions {
  readonly flow: IvrFlow;
  /** The caller's leg: prompts go out of it, key presses and messages come in. */
  readonly endpoint: RtpEndpoint;
  readonly prompts: PromptLibrary;
  /** Where voicemail messages go; `record` nodes save nothing without it. */
  readonly messages?: { readonly store: RecordingStore; readonly tenantId: string; readonly callId: string };
  /** Wall clock in ms since the epoch (business hours depend on it). */
  readonly clock?: () => number;
  /** Sees every action, e.g. to publish "IVR step" call events. */
  readonly onAction?: (action: IvrAction) => void;
}

export type IvrSessionOutcome =
  | { readonly kind: 'finished'; readonly action: IvrTerminalAction; readonly messages: readonly RecordingRef[] }
  /** The caller hung up inside the IVR. */
  | { readonly kind: 'abandoned'; readonly nodeId: string | undefined; readonly messages: readonly RecordingRef[] };

/**
 * Runs the IVR interpreter against a live RTP leg: plays prompts, feeds key presses and
 * timers back, records messages. The interpreter stays pure; this class owns the I/O.
 */
export class IvrMediaSession {
  private readonly interpreter: IvrInterpreter;
  private readonly clock: () => number;
  private readonly messages: RecordingRef[] = [];
  private readonly saving: Promise<void>[] = [];
  private readonly detach: (() => void)[] = [];
  private timer: NodeJS.Timeout | undefined;
  private playback = 0;
  private recorder: { recorder: TwoChannelRecorder; untap: () => void } | undefined;
  private settle: ((outcome: IvrSessionOutcome) => void) | undefined;
  private done = false;
  private failedPrompts = 0;

  constructor(private readonly options: IvrMediaSessionOptions) {
    this.interpreter = new IvrInterpreter(options.flow);
    this.clock = options.clock ?? Date.now;
  }

  /** Prompts that could not be loaded (the flow moved on as if they had played). */
  get promptFailures(): number {
    return this.failedPrompts;
  }

  run(): Promise<IvrSessionOutcome> {
    return new Promise((resolve) => {
      this.settle = resolve;
      this.detach.push(this.options.endpoint.onDigit((d) => this.apply(this.interpreter.onDigit(d.digit, this.clock()))));
      this.apply(this.interpreter.start(this.clock()));
    });
  }

  /** The caller hung up: stop everything, keep a message being recorded. */
  abandon(): void {
    if (this.done) return;
    const nodeId = this.interpreter.nodeId;
    this.stopRecording();
    this.end({ kind: 'abandoned', nodeId, messages: this.messages });
  }

  private apply(actions: readonly IvrAction[]): void {
    for (const action of actions) {
      if (this.done) return;
      this.options.onAction?.(action);
      switch (action.type) {
        case 'play':
          void this.play(action.prompts);
          break;
        case 'stopPlayback':
          this.playback++;
          this.options.endpoint.stopPlayback();
          break;
        case 'listen':
          this.arm(action.deadline);
          break;
        case 'record':
          this.startRecording();
          this.arm(action.deadline);
          break;
        case 'stopRecording':
          this.stopRecording();
          break;
        case 'queue':
        case 'transfer':
        case 'hangup':
          this.end({ kind: 'finished', action, messages: this.messages });
          break;
      }
    }
  }

  private async play(promptIds: readonly string[]): Promise<void> {
    const id = ++this.playback;
    let frames: Uint8Array[] = [];
    try {
      frames = await this.options.prompts.frames(promptIds, this.options.endpoint.codec);
    } catch {
      this.failedPrompts++;
    }
    // A key press or another prompt may have superseded this one while it loaded.
    if (id !== this.playback || this.done) return;
    const outcome = await this.options.endpoint.play(frames);
    if (outcome === 'ended' && id === this.playback && !this.done) this.apply(this.interpreter.onPlaybackEnded(this.clock()));
  }

  private arm(deadline: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const actions = this.interpreter.onTimeout(this.clock());
      // Timers can fire a little early against the wall clock: try again at the deadline.
      if (actions.length === 0 && this.interpreter.deadline !== undefined) this.arm(this.interpreter.deadline);
      else this.apply(actions);
    }, Math.max(0, deadline - this.clock()));
  }

  private startRecording(): void {
    const recorder = new TwoChannelRecorder(performance.now(), { channels: 1 });
    const untap = this.options.endpoint.onPacket((packet, _datagram, arrivalMs) => recorder.add('caller', packet, arrivalMs));
    this.recorder = { recorder, untap };
  }

  private stopRecording(): void {
    const current = this.recorder;
    if (!current) return;
    this.recorder = undefined;
    current.untap();
    const { wav } = current.recorder.finish(performance.now());
    const target = this.options.messages;
    if (!target) return;
    const callId = `${target.callId}-message-${this.saving.length + 1}`;
    this.saving.push(target.store.save({ tenantId: target.tenantId, callId, wav }).then((ref) => void this.messages.push(ref)));
  }

  private end(outcome: IvrSessionOutcome): void {
    this.done = true;
    clearTimeout(this.timer);
    for (const undo of this.detach.splice(0)) undo();
    this.playback++;
    this.options.endpoint.stopPlayback();
    // Resolve once every message is stored, so the outcome lists them all.
    void Promise.allSettled(this.saving).then(() => this.settle?.(outcome));
  }
}
