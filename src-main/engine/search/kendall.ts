/**
 * Kendall rank correlation (tau-b, which accounts for ties: accuracy on a few hundred images ties
 * often) between two rankings of the same items, e.g. the phase-1 sensitivities measured by SQNR
 * and by accuracy. O(n^2), fine for the few hundred (group, candidate) pairs of a sensitivity list.
 */

/** tau-b of paired samples; NaN when either side is constant or there are fewer than 2 items. */
export function kendallTau(x: readonly number[], y: readonly number[]): number {
  if (x.length !== y.length) throw new Error('kendallTau needs two samples of the same length');
  let concordant = 0;
  let discordant = 0;
  let tiesX = 0;
  let tiesY = 0;
  for (let i = 0; i < x.length; i++) {
    for (let j = i + 1; j < x.length; j++) {
      const dx = Math.sign(x[i] - x[j]);
      const dy = Math.sign(y[i] - y[j]);
      if (dx === 0 && dy === 0) continue;
      if (dx === 0) tiesX++;
      else if (dy === 0) tiesY++;
      else if (dx === dy) concordant++;
      else discordant++;
    }
  }
  const denominator = Math.sqrt((concordant + discordant + tiesX) * (concordant + discordant + tiesY));
  return denominator === 0 ? Number.NaN : (concordant - discordant) / denominator;
}
