/**
 * A small deterministic random source for simulations: a Weyl sequence (add the golden-ratio
 * constant) scrambled by the MurmurHash3 finaliser. Statistically sound for simulation and
 * reproducible from the seed alone; not for anything secret.
 */
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    this.state = seed | 0;
  }

  /** Uniform in [0, 1), with 53 random bits. */
  next(): number {
    const high = this.nextUint32() >>> 5;
    const low = this.nextUint32() >>> 6;
    return (high * 67_108_864 + low) / 9_007_199_254_740_992;
  }

  /** Exponentially distributed with the given mean (inter-arrival and handle times of M/M/c). */
  exponential(mean: number): number {
    return -mean * Math.log(1 - this.next());
  }

  private nextUint32(): number {
    this.state = (this.state + 0x9e3779b9) | 0;
    let z = this.state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  }
}
