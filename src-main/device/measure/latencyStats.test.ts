import { describe, expect, it } from 'vitest';
import type { DeviceState } from '../../api/index.js';
import { judgeStability, percentile, summarizeLatency } from './latencyStats.js';

const state = (over: Partial<DeviceState> = {}): DeviceState => ({
  at: '2026-01-01T00:00:00Z',
  cpuMHz: [1500, 1500],
  gpuMHz: null,
  thermal: [{ name: 'cpu', celsius: 45 }],
  load1: 0.1,
  powerMode: 'MAXN',
  ...over,
});

describe('latency statistics', () => {
  it('matches hand-computed values (numpy linear percentiles)', () => {
    const samples = [5, 1, 4, 2, 3, 6, 7, 8, 9, 10];
    const { stats, cv } = summarizeLatency(samples);
    expect(stats.min).toBe(1);
    expect(stats.max).toBe(10);
    expect(stats.median).toBe(5.5);
    expect(stats.mean).toBe(5.5);
    expect(stats.p90).toBeCloseTo(9.1, 10);
    expect(stats.p99).toBeCloseTo(9.91, 10);
    expect(stats.std).toBeCloseTo(3.0276503540974917, 12);
    expect(cv).toBeCloseTo(3.0276503540974917 / 5.5, 12);
  });

  it('handles one sample and rejects none', () => {
    expect(summarizeLatency([2]).stats.p99).toBe(2);
    expect(summarizeLatency([2]).cv).toBe(0);
    expect(() => summarizeLatency([])).toThrow();
    expect(percentile([1, 3], 50)).toBe(2);
  });

  it('flags spread, throttling, power mode changes, heat and load', () => {
    expect(judgeStability(0.02, 50, state(), state(), 2)).toEqual([]);
    expect(judgeStability(0.3, 50, state(), state(), 2)[0]).toMatch(/variation 30.0%/);
    expect(judgeStability(0.02, 5, state(), state(), 2)[0]).toMatch(/only 5/);
    expect(judgeStability(0.02, 50, state(), state({ cpuMHz: [900, 900] }), 2)[0]).toMatch(/fell from 1500 to 900/);
    expect(judgeStability(0.02, 50, state(), state({ powerMode: '5W' }), 2)[0]).toMatch(/power mode/);
    expect(judgeStability(0.02, 50, state(), state({ thermal: [{ name: 'gpu', celsius: 85 }] }), 2)[0]).toMatch(/85.0/);
    expect(judgeStability(0.02, 50, state({ load1: 3 }), state(), 2)[0]).toMatch(/busy/);
  });
});
