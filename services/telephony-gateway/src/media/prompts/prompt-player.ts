import { PlaybackOutcome, RtpEndpoint } from '../rtp-endpoint';
import { PromptLibrary } from './prompt-library';

/** Plays IVR prompts and music on hold into one call leg. */
export class PromptPlayer {
  constructor(
    private readonly library: PromptLibrary,
    private readonly endpoint: RtpEndpoint,
  ) {}

  /** Resolves `ended` when the prompts finished (the IVR's `onPlaybackEnded`), `stopped` on barge-in. */
  async play(promptIds: readonly string[]): Promise<PlaybackOutcome> {
    return this.endpoint.play(await this.library.frames(promptIds, this.endpoint.codec));
  }

  /** Loops the hold music until `stop` or another playback. */
  async hold(musicId: string): Promise<void> {
    void this.endpoint.play(await this.library.frames([musicId], this.endpoint.codec), { loop: true });
  }

  stop(): void {
    this.endpoint.stopPlayback();
  }
}
