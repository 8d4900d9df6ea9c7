import { performance } from 'node:perf_hooks';
import { FRAME_MS } from './rtp/rtp-packetizer';

/** Called once per frame; `skipped` counts frames the clock dropped just before this one. */
export type FrameListener = (skipped: number) => void;

/** Ticks a late event loop may replay at once; beyond that the clock starts over. */
const MAX_CATCH_UP = 10;

/**
 * One 20 ms ticker shared by every stream the process sends, so a thousand calls cost one
 * timer instead of a thousand. Ticks are scheduled against absolute times, so timer drift
 * does not accumulate; a tick the event loop missed is replayed late rather than dropped, up
 * to a limit: past it the frames are skipped and listeners told, so RTP timestamps stay true
 * to the wall clock.
 */
export class FrameClock {
  private readonly listeners = new Set<FrameListener>();
  private timer: NodeJS.Timeout | undefined;
  private origin = 0;
  private ticks = 0;

  constructor(
    private readonly frameMs = FRAME_MS,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Calls `listener` every frame until the returned function is called. */
  subscribe(listener: FrameListener): () => void {
    this.listeners.add(listener);
    if (!this.timer) {
      this.origin = this.now();
      this.ticks = 0;
      this.schedule();
    }
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0 && this.timer) {
        clearTimeout(this.timer);
        this.timer = undefined;
      }
    };
  }

  private schedule(): void {
    const due = this.origin + (this.ticks + 1) * this.frameMs;
    this.timer = setTimeout(() => this.fire(), Math.max(0, due - this.now()));
  }

  private fire(): void {
    const now = this.now();
    const due = Math.floor((now - this.origin) / this.frameMs);
    const skipped = Math.max(0, due - this.ticks - MAX_CATCH_UP);
    this.ticks += skipped;
    for (let first = true; this.listeners.size > 0 && this.ticks < due; first = false) {
      this.ticks++;
      for (const listener of [...this.listeners]) listener(first ? skipped : 0);
    }
    if (this.listeners.size > 0) this.schedule();
    else this.timer = undefined;
  }
}

/** The clock streams use unless given their own. */
export const sharedFrameClock = new FrameClock();
