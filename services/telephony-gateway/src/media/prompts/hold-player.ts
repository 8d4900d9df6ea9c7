import { RtpEndpoint } from '../rtp-endpoint';
import { PromptLibrary } from './prompt-library';

export interface HoldPlayerOptions {
  readonly musicId: string;
  /** Music between announcements. */
  readonly announceEveryMs: number;
  /** Asked at each announcement time (the latest position / wait); nothing to say skips it. */
  readonly announcement: () => readonly string[] | undefined | Promise<readonly string[] | undefined>;
}

/**
 * Music on hold for a queued caller, interrupted every `announceEveryMs` by an announcement
 * (position, expected wait), after which the music starts again.
 */
export class HoldPlayer {
  private running = false;
  private timer: NodeJS.Timeout | undefined;
  private generation = 0;

  constructor(
    private readonly library: PromptLibrary,
    private readonly endpoint: RtpEndpoint,
    private readonly options: HoldPlayerOptions,
  ) {}

  get active(): boolean {
    return this.running;
  }

  /** Starts the music; rejects when the music prompt cannot be loaded. */
  async start(): Promise<void> {
    if (this.running) return;
    const music = await this.library.frames([this.options.musicId], this.endpoint.codec);
    this.running = true;
    this.music(music);
  }

  stop(): void {
    if (!this.running) return;
    this.running = false;
    this.generation++;
    clearTimeout(this.timer);
    this.endpoint.stopPlayback();
  }

  private music(frames: readonly Uint8Array[]): void {
    const generation = ++this.generation;
    void this.endpoint.play(frames, { loop: true });
    this.timer = setTimeout(() => void this.announce(frames, generation), this.options.announceEveryMs);
  }

  private async announce(music: readonly Uint8Array[], generation: number): Promise<void> {
    let frames: Uint8Array[] = [];
    try {
      const ids = await this.options.announcement();
      if (ids && ids.length > 0) frames = await this.library.frames(ids, this.endpoint.codec);
    } catch {
      // A missing or failed announcement must not silence the hold: carry on with the music.
    }
    if (!this.running || generation !== this.generation) return;
    if (frames.length === 0) {
      this.timer = setTimeout(() => void this.announce(music, generation), this.options.announceEveryMs);
      return;
    }
    this.generation++;
    const outcome = await this.endpoint.play(frames);
    if (outcome === 'ended' && this.running) this.music(music);
  }
}
