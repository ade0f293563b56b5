/**
 * Finding the cheapest front point within the allowed accuracy drop with few full evaluations.
 * Accuracy falls (close to) monotonically along the front, so the feasible points form a prefix;
 * we look for its last point. Plain bisection resolves n points in ceil(log2(n + 1)) evaluations
 * (one more outcome than points: "none is feasible"), which is within the issue's
 * ceil(log2(n)) + 1 bound. We keep exactly that budget and spend it better: once the bracket has
 * a measured accuracy on both sides, the next probe is where the phase-1 estimate, rescaled to
 * the two measured accuracies, predicts the boundary (interpolation). The probe is clamped to the
 * range from which both halves can still be resolved with the evaluations left, so the budget is
 * never exceeded however wrong the prediction is.
 */

/** What the search found. */
export interface FrontSearchResult {
  /** Index of the last point meeting the target, or -1 when not even the first one does. */
  chosen: number;
  /** Measured quality of each evaluated point, by index. */
  measured: Map<number, number>;
  evaluations: number;
  /** The guaranteed worst case, ceil(log2(n + 1)). */
  budget: number;
  /** The bound, ceil(log2(n)) + 1, for reporting. */
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
  const budget = n === 0 ? 0 : Math.ceil(Math.log2(n + 1));
  const bound = n === 0 ? 0 : Math.ceil(Math.log2(n)) + 1;
  const measured = new Map<number, number>();
  let lo = -1;
  let hi = n;
  let left = budget;
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
  return { chosen: lo, measured, evaluations: measured.size, budget, bound };
}

/**
 * The last index in (lo, hi) predicted to meet the target by mapping estimates linearly onto the
 * measured qualities at the bracket ends; undefined when the bracket has no usable measurements.
 */
function predictBoundary(estimates: readonly number[], lo: number, hi: number, target: number, measured: Map<number, number>, reference: number | undefined): number | undefined {
  if (hi >= estimates.length) return undefined;
  const qHi = measured.get(hi);
  const qLo = lo >= 0 ? measured.get(lo) : reference;
  const eLo = lo >= 0 ? estimates[lo] : estimates[0];
  const eHi = estimates[hi];
  if (qHi === undefined || qLo === undefined || !Number.isFinite(eLo) || !Number.isFinite(eHi) || eLo === eHi) return undefined;
  let last = lo;
  for (let i = lo + 1; i < hi; i++) {
    const e = estimates[i];
    if (!Number.isFinite(e)) continue;
    const predicted = qLo + ((e - eLo) / (eHi - eLo)) * (qHi - qLo);
    if (predicted >= target) last = i;
  }
  // Probe the predicted last feasible point; if it is, its successor is usually the next probe.
  return Math.max(lo + 1, last);
}
