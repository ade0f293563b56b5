/**
 * A seeded pseudo-random generator (mulberry32): searches that use randomness take a seed so a
 * run can be repeated bit for bit. Math.random is never used in the search code.
 */

/** A deterministic generator of numbers in [0, 1) and helpers over it. */
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    // Mix the seed once so that small consecutive seeds give unrelated streams.
    this.state = (Math.imul(seed | 0, 0x9e3779b1) ^ 0x85ebca6b) >>> 0;
  }

  /** Next number in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
}
