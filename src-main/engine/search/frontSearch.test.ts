import { describe, expect, it } from 'vitest';
import { SeededRandom } from './random.js';
import { searchFront } from './frontSearch.js';

/** A falling accuracy curve of n points and the estimates a phase 1 might give for it. */
function curve(n: number, random: SeededRandom, noisyEstimates: boolean): { accuracy: number[]; estimates: number[] } {
  const accuracy: number[] = [];
  const estimates: number[] = [];
  let a = 0.92;
  let e = 40;
  for (let i = 0; i < n; i++) {
    a -= random.next() * 0.01;
    e -= noisyEstimates ? random.next() * 3 : 1;
    accuracy.push(a);
    estimates.push(e);
  }
  return { accuracy, estimates };
}

describe('searchFront', () => {
  it('finds the last point meeting the target within ceil(log2(n+1)) evaluations (the bisection worst case), for every target', async () => {
    const random = new SeededRandom(7);
    for (const n of [1, 2, 3, 7, 8, 20, 63, 64, 100]) {
      for (const noisy of [false, true]) {
        const { accuracy, estimates } = curve(n, random, noisy);
        const targets = [1, ...accuracy.map((a) => a - 1e-9), ...accuracy.map((a) => a + 1e-9), 0];
        for (const target of targets) {
          let calls = 0;
          const result = await searchFront(estimates, target, async (i) => (calls++, accuracy[i]), 0.93);
          const truth = accuracy.reduce((last, a, i) => (a >= target ? i : last), -1);
          expect(result.chosen).toBe(truth);
          expect(calls).toBe(result.evaluations);
          expect(result.evaluations).toBeLessThanOrEqual(Math.ceil(Math.log2(n + 1)));
          expect(result.evaluations).toBeLessThanOrEqual(result.bound);
          if (truth >= 0) expect(result.measured.get(truth)).toBe(accuracy[truth]);
        }
      }
    }
  });

  it('uses fewer evaluations than bisection when the estimates are exact', async () => {
    // Estimates proportional to the accuracy: interpolation lands on the boundary immediately.
    const n = 100;
    const accuracy = Array.from({ length: n }, (_, i) => 0.9 - i * 0.002);
    const estimates = accuracy.map((a) => a * 50);
    let total = 0;
    for (let k = 10; k < 90; k += 7) total += (await searchFront(estimates, accuracy[k] - 1e-9, async (i) => accuracy[i], 0.9 + 0.002)).evaluations;
    const bisection = 12 * Math.ceil(Math.log2(n + 1));
    expect(total).toBeLessThan(bisection * 0.8);
  });

  it('handles an empty front', async () => {
    expect(await searchFront([], 0.5, async () => 1)).toMatchObject({ chosen: -1, evaluations: 0 });
  });
});
