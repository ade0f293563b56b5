/**
 * The measurement protocol's statistics: min/median/mean/p90/p99 over timed runs, the coefficient
 * of variation, and the judgement of whether a measurement is stable enough to use.
 */
import type { DeviceState, DeviceLatencyStats } from '../../api/index.js';

/** Above this coefficient of variation a measurement is flagged unstable. */
export const UNSTABLE_CV = 0.1;

/** Percentile with linear interpolation between closest ranks (numpy's default). */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) throw new Error('percentile of no samples');
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
}

/** Summary statistics of latency samples (ms); std is the sample standard deviation. */
export function summarizeLatency(samples: number[]): { stats: DeviceLatencyStats; cv: number } {
  if (samples.length === 0) throw new Error('no samples to summarize');
  const sorted = [...samples].sort((x, y) => x - y);
  const mean = samples.reduce((s, x) => s + x, 0) / samples.length;
  const variance = samples.length > 1 ? samples.reduce((s, x) => s + (x - mean) ** 2, 0) / (samples.length - 1) : 0;
  const std = Math.sqrt(variance);
  return {
    stats: {
      min: sorted[0],
      median: percentile(sorted, 50),
      mean,
      p90: percentile(sorted, 90),
      p99: percentile(sorted, 99),
      max: sorted[sorted.length - 1],
      std,
    },
    cv: mean > 0 ? std / mean : 0,
  };
}

/**
 * Why a measurement should not be trusted as is: high spread, too few runs, the clocks or the power
 * mode moving under it, heat, or a busy machine. An empty list means stable.
 */
export function judgeStability(cv: number, runs: number, before: DeviceState, after: DeviceState, cores: number): string[] {
  const reasons: string[] = [];
  if (cv > UNSTABLE_CV) reasons.push(`coefficient of variation ${(cv * 100).toFixed(1)}% is above ${UNSTABLE_CV * 100}%`);
  if (runs < 10) reasons.push(`only ${runs} timed runs (10 or more give a usable spread)`);
  if (before.powerMode !== after.powerMode) reasons.push(`power mode changed from ${before.powerMode} to ${after.powerMode}`);
  const maxBefore = Math.max(0, ...before.cpuMHz);
  const maxAfter = Math.max(0, ...after.cpuMHz);
  if (maxBefore > 0 && maxAfter > 0 && maxAfter < maxBefore * 0.85) {
    reasons.push(`CPU clock fell from ${maxBefore.toFixed(0)} to ${maxAfter.toFixed(0)} MHz (throttling?)`);
  }
  // Jetson Nano's PMIC-Die zone reads a constant 100 °C: it is a limit, not a temperature.
  const hottest = Math.max(-Infinity, ...after.thermal.filter((t) => !/pmic/i.test(t.name)).map((t) => t.celsius));
  if (hottest >= 80) reasons.push(`a thermal zone reached ${hottest.toFixed(1)} °C`);
  if (before.load1 !== null && before.load1 > Math.max(1, cores * 0.5)) {
    reasons.push(`the device was busy before the run (load ${before.load1.toFixed(2)} on ${cores} cores)`);
  }
  return reasons;
}
