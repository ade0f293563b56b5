/**
 * Finding the cheapest front point within the allowed accuracy drop with few full evaluations.
 * Accuracy falls (close to) monotonically along the front, so the feasible points form a prefix;
 * we look for its last point. Plain bisection resolves n points in ceil(log2(n + 1)) evaluations
 * (one more outcome than points: "none is feasible"), within the issue's bound ceil(log2(n)) + 1.
 * We keep bisection's worst case and spend whatever slack the bracket leaves on interpolation:
 * each probe goes where a straight line through two measured (estimate, accuracy) anchors
 * predicts the boundary (the phase-1 estimate is a good ruler along the front, its scale is
 * unknown), clamped to the range from which both halves can still be resolved with the
 * evaluations left. So the search never costs more than bisection, and ends early when the
 * prediction lands on the boundary. (Spending the bound's extra evaluation on interpolation was
 * tried: on the reference models' noisy fronts it mostly used 8 where bisection needs 7.)
 */

/** What the search found. */
export interface FrontSearchResult {
  /** Index of the last point meeting the target, or -1 when not even the first one does. */
  chosen: number;
  /** Measured quality of each evaluated point, by index. */
  measured: Map<number, number>;
  evaluations: number;
  /** The bound, ceil(log2(n)) + 1 (the search guarantees ceil(log2(n + 1)) or fewer). */
  bound: number;
}

/**
 * @param estimates phase-1 estimate of each point, ordered along the front (falls as cost falls)
 * @param target the lowest acceptable measured quality
 * @param measure evaluates point `index` in full and returns its quality
 * @param reference the quality before the first point (FP32), used to interpolate before any
 *   feasible point has been measured; optional
 */
export async function searchFront(estimates: readonly number[], target: number, measure: (index: number) => Promise<number>, reference?: number): Promise<FrontSearchResult> {
  const n = estimates.length;
  const bound = n === 0 ? 0 : Math.ceil(Math.log2(n)) + 1;
  const measured = new Map<number, number>();
  let lo = -1;
  let hi = n;
  let left = n === 0 ? 0 : Math.ceil(Math.log2(n + 1));
  while (hi - lo > 1) {
    // Both halves left by a probe at p must be resolvable with `left - 1` evaluations.
    const reach = 2 ** (left - 1);
    const from = Math.max(lo + 1, hi - reach);
    const to = Math.min(hi - 1, lo + reach);
    const guess = predictBoundary(estimates, lo, hi, target, measured, reference) ?? Math.floor((lo + hi) / 2);
    const probe = Math.min(to, Math.max(from, guess));
    const quality = await measure(probe);
    measured.set(probe, quality);
    left -= 1;
    if (quality >= target) lo = probe;
    else hi = probe;
  }
  return { chosen: lo, measured, evaluations: measured.size, bound };
}

/**
 * The last index in (lo, hi) predicted to meet the target by a line through two anchors
 * (estimate, measured quality): the measured bracket ends when both exist, otherwise the nearest
 * measured points (the reference counts as a measurement at the first point's estimate).
 * Undefined until two usable anchors exist.
 */
function predictBoundary(estimates: readonly number[], lo: number, hi: number, target: number, measured: Map<number, number>, reference: number | undefined): number | undefined {
  const anchors: { index: number; e: number; q: number }[] = [];
  if (reference !== undefined && Number.isFinite(estimates[0])) anchors.push({ index: -1, e: estimates[0], q: reference });
  for (const [index, q] of measured) if (Number.isFinite(estimates[index]) && Number.isFinite(q)) anchors.push({ index, e: estimates[index], q });
  if (anchors.length < 2) return undefined;
  // Prefer the bracket ends; fill with the anchors closest to the bracket.
  const distance = (i: number): number => (i <= lo ? lo - i : i >= hi ? i - hi : 0);
  anchors.sort((a, b) => distance(a.index) - distance(b.index) || a.index - b.index);
  const [a, b] = anchors;
  if (a.e === b.e) return undefined;
  let last = lo;
  for (let i = lo + 1; i < hi; i++) {
    const e = estimates[i];
    if (!Number.isFinite(e)) continue;
    const predicted = a.q + ((e - a.e) / (b.e - a.e)) * (b.q - a.q);
    if (predicted >= target) last = i;
  }
  // Probe the predicted last feasible point; if it is, its successor is usually the next probe.
  return Math.max(lo + 1, last);
}
