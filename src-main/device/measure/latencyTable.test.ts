import { describe, expect, it } from 'vitest';
import { buildLatencyTable, correctLatencyTable, predictLatency, predictionError } from './latencyTable.js';

describe('latency tables', () => {
  const profiles = {
    FP32: { conv1: 2, conv2: 4, relu: 1, fc: 1 },
    W8A8: { conv1_quant: 1, conv2: 2, fc: 0.5 },
  };

  it('scales profiled node times so FP32 layers plus base equal the end-to-end median', () => {
    const { table, scale } = buildLatencyTable({ layers: ['conv1', 'conv2', 'fc'], profiles, endToEndMs: 4 });
    expect(scale).toBe(0.5);
    expect(table.layers).toEqual({ conv1: { FP32: 1, W8A8: 0.5 }, conv2: { FP32: 2, W8A8: 1 }, fc: { FP32: 0.5, W8A8: 0.25 } });
    expect(table.base).toBe(0.5);
    expect(predictLatency(table, {})).toBe(4);
    expect(predictLatency(table, { conv1: 'W8A8', conv2: 'W8A8', fc: 'W8A8' })).toBe(2.25);
    expect(predictLatency(table, { conv1: 'W4A4' })).toBe(4); // unknown key falls back to FP32
  });

  it('counts a variant\'s input quantizer nodes for the layer that reads the tensor', () => {
    const { table } = buildLatencyTable({
      layers: ['/a/Conv', '/b/Conv'],
      layerInputs: { '/a/Conv': ['input'], '/b/Conv': ['/a/Relu_output_0'] },
      profiles: {
        FP32: { '/a/Conv': 1, '/b/Conv': 1 },
        W8A16: { '/a/Conv': 1, input_QuantizeLinear: 0.5, '/b/Conv': 1, '_a_Relu_output_0_Div': 0.25, '_a_Relu_output_0_Clip': 0.25, unrelated_Mul: 9 },
      },
      endToEndMs: 2,
    });
    expect(table.layers).toEqual({ '/a/Conv': { FP32: 1, W8A16: 1.5 }, '/b/Conv': { FP32: 1, W8A16: 1.5 } });
  });

  it('corrects by the median measured/predicted ratio and reduces the error', () => {
    const { table } = buildLatencyTable({ layers: ['conv1', 'conv2', 'fc'], profiles, endToEndMs: 4 });
    const configs: Array<Record<string, string>> = [{}, { conv1: 'W8A8' }, { conv1: 'W8A8', conv2: 'W8A8', fc: 'W8A8' }];
    const measured = [4.8, 4.2, 2.9];
    const before = configs.map((c, i) => ({ predictedMs: predictLatency(table, c), measuredMs: measured[i] }));
    const { table: fixed, factor } = correctLatencyTable(table, before);
    expect(factor).toBeCloseTo(4.8 / 4, 10);
    const after = configs.map((c, i) => ({ predictedMs: predictLatency(fixed, c), measuredMs: measured[i] }));
    expect(predictionError(after)).toBeLessThan(predictionError(before));
    expect(correctLatencyTable(table, []).factor).toBe(1);
  });

  it('picks the factor with the least mean relative error, never worse than leaving the table alone', () => {
    const { table } = buildLatencyTable({ layers: ['conv1', 'conv2', 'fc'], profiles, endToEndMs: 4 });
    // Ratios measured/predicted of 0.5, 1.05 and 1.1: the plain median (1.05) would double the
    // first error and end worse than no correction; the 1/r-weighted median (0.5) is the optimum.
    const configs: Array<Record<string, string>> = [{}, { conv1: 'W8A8' }, { conv1: 'W8A8', conv2: 'W8A8', fc: 'W8A8' }];
    const ratios = [0.5, 1.05, 1.1];
    const before = configs.map((c, i) => ({ predictedMs: predictLatency(table, c), measuredMs: predictLatency(table, c) * ratios[i] }));
    const { table: fixed, factor } = correctLatencyTable(table, before);
    expect(factor).toBeCloseTo(0.5, 12);
    const errorAt = (f: number) => predictionError(before.map((o) => ({ ...o, predictedMs: o.predictedMs * f })));
    const after = configs.map((c, i) => ({ predictedMs: predictLatency(fixed, c), measuredMs: before[i].measuredMs }));
    expect(predictionError(after)).toBeLessThan(predictionError(before));
    for (let f = 0.3; f < 1.5; f += 0.01) expect(predictionError(after)).toBeLessThanOrEqual(errorAt(f) + 1e-12);
  });
});
