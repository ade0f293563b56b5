import { describe, expect, it } from 'vitest';
import type { ModelInfo } from '../../../api/index.js';
import { BopsCostModel } from './bops.js';
import { LatencyCostModel, parseLatencyTable } from './latencyTable.js';
import { SizeCostModel } from './size.js';

// Two layers: a conv whose weight and input are in different groups, and an activation MatMul.
const info: ModelInfo = {
  name: 'tiny',
  sha256: 'ff',
  opset: 17,
  inputs: [],
  outputs: [],
  layers: [
    { name: 'conv', op: 'Conv', weightShape: [4, 2, 3, 3], params: 76, macs: 1000, inputs: ['x'], output: 'y' },
    { name: 'mm', op: 'MatMul', weightShape: [], params: 0, macs: 500, inputs: ['y', 'k'], output: 'z' },
  ],
  groups: [
    { id: 'w', weightQuantizers: ['conv'], activationQuantizers: [], quantizers: ['w:conv'] },
    { id: 'a', weightQuantizers: [], activationQuantizers: ['x', 'y'], quantizers: ['a:x', 'a:y'] },
  ],
  params: 100,
  macs: 1500,
};

describe('cost models', () => {
  it('BOPs take weight bits from the weight group and input bits from the activation group', () => {
    const bops = new BopsCostModel(info);
    // conv: 1000 x 4 (w group) x 8 (x in a group); mm: 500 x 8 (y) x 32 (k is float).
    expect(bops.cost({ w: { w: 4, a: 16 }, a: { w: 2, a: 8 } })).toBe(1000 * 4 * 8 + 500 * 8 * 32);
    expect(bops.cost({})).toBe(1500 * 32 * 32);
  });

  it('size counts quantized weights at their bits and the rest at 32', () => {
    const size = new SizeCostModel(info);
    // 72 conv weights at 4 bits, 28 other params at 32 bits.
    expect(size.cost({ w: { w: 4, a: 8 } })).toBe((72 * 4 + 28 * 32) / 8);
    expect(size.cost({})).toBe(400);
  });

  it('latency sums per-layer entries by precision key and falls back to FP32', () => {
    const table = parseLatencyTable({ base: 1, layers: { conv: { W4A8: 0.5, FP32: 2 }, mm: { A8: 0.25, FP32: 1 } } });
    const latency = new LatencyCostModel(info, table);
    expect(latency.cost({ w: { w: 4, a: 8 }, a: { w: 4, a: 8 } })).toBe(1 + 0.5 + 0.25);
    // W8A8 is not in the table: the conv falls back to its FP32 time.
    expect(latency.cost({ w: { w: 8, a: 8 }, a: { w: 8, a: 8 } })).toBe(1 + 2 + 0.25);
  });

  it('rejects tables that miss layers, have bad values or belong to another model', () => {
    expect(() => new LatencyCostModel(info, parseLatencyTable({ layers: { conv: { FP32: 1 } } }))).toThrow(/no entry for layer mm/);
    expect(() => parseLatencyTable({ layers: { conv: { FP32: -1 } } })).toThrow(/not valid/);
    expect(() => new LatencyCostModel(info, { modelSha256: '00', layers: { conv: { FP32: 1 }, mm: { FP32: 1 } } })).toThrow(/another model/);
    const noFallback = new LatencyCostModel(info, parseLatencyTable({ layers: { conv: { W8A8: 1 }, mm: { FP32: 1 } } }));
    expect(() => noFallback.cost({ w: { w: 4, a: 8 } })).toThrow(/no W4 \(nor FP32\)|no W4A/);
  });
});
