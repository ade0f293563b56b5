import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDataset } from '../data/open.js';
import { subset } from '../data/subset.js';
import type { Dataset } from '../data/dataset.js';
import { QuantSimulator } from '../simulate/simulator.js';
import { convGeometry, layerGram, type RoundingLayer } from './gram.js';
import { ErrorMeter } from './errorMeter.js';
import { collectLayerStatistics, whyNotRoundable } from './layerGrams.js';
import type { GramMatrices } from './layout.js';
import { nearestLevels, reconstructionError } from './reconstruction.js';

/** Float64 Gram matrices of a 2-D conv's im2col patches, straight from the definition (test oracle). */
function referenceConvGram(input: Float32Array, dims: number[], layer: RoundingLayer): GramMatrices {
  const geo = convGeometry(layer);
  const [n, c, hIn, wIn] = dims;
  const [kh, kw] = geo.kernel;
  const pads = geo.pads!;
  const out = (size: number, d: number) => Math.floor((size + pads[d] + pads[d + 2] - geo.dilations[d] * (geo.kernel[d] - 1) - 1) / geo.strides[d]) + 1;
  const [oh, ow] = [out(hIn, 0), out(wIn, 1)];
  const cg = c / geo.groups;
  const k = cg * kh * kw;
  const sum = new Float64Array(geo.groups * k * k);
  const patch = new Float64Array(k);
  for (let s = 0; s < n; s++) for (let g = 0; g < geo.groups; g++) for (let y = 0; y < oh; y++) for (let x = 0; x < ow; x++) {
    for (let ci = 0; ci < cg; ci++) for (let ky = 0; ky < kh; ky++) for (let kx = 0; kx < kw; kx++) {
      const iy = y * geo.strides[0] - pads[0] + ky * geo.dilations[0];
      const ix = x * geo.strides[1] - pads[1] + kx * geo.dilations[1];
      const inside = iy >= 0 && iy < hIn && ix >= 0 && ix < wIn;
      patch[(ci * kh + ky) * kw + kx] = inside ? input[((s * c + g * cg + ci) * hIn + iy) * wIn + ix] : 0;
    }
    const base = g * k * k;
    for (let i = 0; i < k; i++) {
      const pi = patch[i];
      if (pi !== 0) for (let j = 0; j < k; j++) sum[base + i * k + j] += pi * patch[j];
    }
  }
  const samples = n * oh * ow;
  return { groups: geo.groups, size: k, data: sum.map((v) => v / samples), samples };
}

/** Largest |a_ij - b_ij| / sqrt(b_ii b_jj) over all groups. */
function relativeGap(a: GramMatrices, b: GramMatrices): number {
  let worst = 0;
  const k = b.size;
  for (let g = 0; g < b.groups; g++) for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) {
    const at = g * k * k;
    const scale = Math.sqrt(b.data[at + i * k + i] * b.data[at + j * k + j]) || 1;
    worst = Math.max(worst, Math.abs(a.data[at + i * k + j] - b.data[at + i * k + j]) / scale);
  }
  return worst;
}

let sim: QuantSimulator;
let data: Dataset;

beforeAll(async () => {
  data = subset(await openDataset('fmnist:/usr/share/datasets/fashion-mnist:train', { mean: [0.286], std: [0.353] }), 0, 24);
  sim = await QuantSimulator.create('/work/shared/models/fmnist_resnet20.onnx', { calibration: data, calibrationLimit: 24 });
});
afterAll(async () => sim?.dispose());

describe('layerGram row-shift product', () => {
  // 3-high kernels with one padding row above and below, any horizontal geometry, down to inputs
  // one or two rows high (where the first and last real rows meet).
  const cases: Array<{ dims: number[]; kernel: number[]; strides: number[]; pads: number[]; dilations: number[] }> = [
    { dims: [3, 4, 1, 6], kernel: [3, 3], strides: [1, 1], pads: [1, 1, 1, 1], dilations: [1, 1] },
    { dims: [2, 3, 2, 5], kernel: [3, 3], strides: [1, 1], pads: [1, 1, 1, 1], dilations: [1, 1] },
    { dims: [2, 5, 7, 9], kernel: [3, 2], strides: [1, 2], pads: [1, 0, 1, 1], dilations: [1, 2] },
    { dims: [4, 2, 6, 6], kernel: [3, 1], strides: [1, 1], pads: [1, 0, 1, 0], dilations: [1, 1] },
  ];
  for (const { dims, kernel, strides, pads, dilations } of cases) {
    for (const n of [dims[0], 1]) {
      it(`matches float64 im2col for input [${[n, ...dims.slice(1)]}], kernel ${kernel}, strides ${strides}, pads ${pads}`, async () => {
        const size = [n, ...dims.slice(1)];
        const input = Float32Array.from({ length: size.reduce((a, b) => a * b, 1) }, (_, i) => Math.sin(i * 1.7 + 0.3) + 0.25);
        const layer: RoundingLayer = { op: 'Conv', weightDims: [4, size[1], ...kernel], attrs: { kernel_shape: kernel, strides, pads, dilations } };
        const reference = referenceConvGram(input, size, layer);
        const got = await layerGram(input, size, layer);
        expect(got.samples).toBe(reference.samples);
        expect(relativeGap(got, reference)).toBeLessThan(1e-5);
      });
    }
  }
});

describe('collectLayerStatistics', () => {
  it('gives, in one pass with small batches, the Gram matrices of layer-by-layer capture', async () => {
    // The stem reads the graph input itself; the shortcut conv is 1x1 stride 2; the Gemm is [O, K].
    const layers = ['/stem/stem.0/Conv', '/layers/layers.3/sc/sc.0/Conv', '/fc/Gemm'];
    const stats = await collectLayerStatistics(sim.model, layers, data, { limit: 20, batchSize: 7 });
    for (const layer of layers) {
      const captured = await sim.captureLayerInputs(layer, data, 20);
      const info = sim.info.layers.find((l) => l.name === layer)!;
      const expected = await layerGram(captured.input, captured.dims, { op: info.op, weightDims: captured.weightDims, attrs: captured.attrs });
      const got = stats.get(layer)!;
      expect(got.gram.samples).toBe(expected.samples);
      expect(got.weightDims).toEqual(captured.weightDims);
      expect(got.layout).toBe('out-in');
      for (let i = 0; i < expected.data.length; i++) expect(got.gram.data[i]).toBeCloseTo(expected.data[i], 5);
    }
  });

  it('agrees with float64 im2col Gram matrices to 1e-5, for per-sample and whole-batch products', async () => {
    // layers.3/c1: 3x3 stride 2 reading 16 channels (144 inputs, 196 positions: one product per sample);
    // layers.6/c1: 3x3 stride 2 reading 32 channels (288 inputs, 49 positions: one product per batch).
    // The 3x3 stride-1 layers take the row-shift product: the stem (1 channel), layers.1/c1 (16
    // channels, 784 positions: per sample) and layers.7/c2 (64 channels, 49 positions: per batch).
    const layers = ['/layers/layers.3/c1/Conv', '/layers/layers.6/c1/Conv', '/stem/stem.0/Conv', '/layers/layers.1/c1/Conv', '/layers/layers.7/c2/Conv'];
    const stats = await collectLayerStatistics(sim.model, layers, data, { limit: 20 });
    for (const layer of layers) {
      const captured = await sim.captureLayerInputs(layer, data, 20);
      const reference = referenceConvGram(captured.input, captured.dims, { op: 'Conv', weightDims: captured.weightDims, attrs: captured.attrs });
      const got = stats.get(layer)!.gram;
      expect(got.samples).toBe(reference.samples);
      expect(relativeGap(got, reference)).toBeLessThan(1e-5);
    }
  });

  it('gives the same Gram matrices from the loaded model\'s shapes as from its own shape run', async () => {
    const layers = ['/stem/stem.0/Conv', '/layers/layers.3/c1/Conv', '/layers/layers.6/c1/Conv', '/fc/Gemm'];
    const own = await collectLayerStatistics(sim.model, layers, data, { limit: 20 });
    const known = await collectLayerStatistics(sim.model, layers, data, { limit: 20, shapes: sim.shapes });
    for (const layer of layers) expect(Array.from(known.get(layer)!.gram.data)).toEqual(Array.from(own.get(layer)!.gram.data));
  });

  it('builds its Gram branches in the model\'s own opset (opset 10: Gemm still needs its C input)', async () => {
    // An opset-10 copy of ResNet-20 (every op it uses exists unchanged at 10). The whole-batch
    // products (layers.6/c1 by im2col, layers.7/c2 by row shift) are Gemms without a C input at 17;
    // ReduceSum takes its axes as an attribute at 10. A PaddleOCR classifier (opset 10) failed here.
    const layers = ['/stem/stem.0/Conv', '/layers/layers.3/c1/Conv', '/layers/layers.6/c1/Conv', '/layers/layers.7/c2/Conv', '/fc/Gemm'];
    const old = { ...sim.model, opsets: sim.model.opsets.map((o) => (o.domain === '' ? { ...o, version: 10 } : o)) };
    const at10 = await collectLayerStatistics(old, layers, data, { limit: 6 });
    const at17 = await collectLayerStatistics(sim.model, layers, data, { limit: 6 });
    for (const layer of layers) expect(Array.from(at10.get(layer)!.gram.data)).toEqual(Array.from(at17.get(layer)!.gram.data));
  });

  it('ignores known shapes inferred for another sample size', async () => {
    // Shapes as a loader would infer them for 32x32 inputs, handed over with 28x28 data: trusting
    // them would slice the row-shift patches at the wrong rows and count the wrong vectors.
    const layers = ['/layers/layers.1/c1/Conv', '/layers/layers.7/c2/Conv'];
    const wrong = new Map([...sim.shapes].map(([name, s]) => [name, { dims: s.dims.length === 4 ? [...s.dims.slice(0, 2), s.dims[2] + 4, s.dims[3] + 4] : s.dims }]));
    const own = await collectLayerStatistics(sim.model, layers, data, { limit: 6 });
    const known = await collectLayerStatistics(sim.model, layers, data, { limit: 6, shapes: wrong });
    for (const layer of layers) {
      expect(known.get(layer)!.gram.samples).toBe(own.get(layer)!.gram.samples);
      expect(Array.from(known.get(layer)!.gram.data)).toEqual(Array.from(own.get(layer)!.gram.data));
    }
    expect(own.get('/layers/layers.1/c1/Conv')!.gram.samples).toBe(6 * 28 * 28);
  });

  it('measures output errors in onnxruntime as reconstructionError does', async () => {
    const layers = ['/layers/layers.6/c1/Conv', '/fc/Gemm'];
    const stats = await collectLayerStatistics(sim.model, layers, data, { limit: 20 });
    const meter = await ErrorMeter.open();
    try {
      for (const layer of layers) {
        const s = stats.get(layer)!;
        const levels = [4, 3].map((bits) => nearestLevels(s.weight, s.weightDims, sim.weightScales(layer, bits), bits, s.layout));
        const expected = levels.map((l, i) => reconstructionError(s.weight, s.weightDims, l, sim.weightScales(layer, [4, 3][i]), s.gram, s.layout));
        // One call per bit-width here (scales differ), two roundings each.
        for (let i = 0; i < 2; i++) {
          const got = await meter.errors(s.weight, s.weightDims, [levels[i], levels[i]], sim.weightScales(layer, [4, 3][i]), s.gram, s.layout);
          for (const e of got) expect(Math.abs(e - expected[i]) / expected[i]).toBeLessThan(1e-5);
        }
      }
    } finally {
      await meter.release();
    }
  });

  it('says why a layer cannot be rounded', () => {
    expect(whyNotRoundable(sim.model, '/fc/Gemm')).toBeNull();
    expect(whyNotRoundable(sim.model, 'nope')).toMatch(/not in the model/);
    const relu = sim.model.graph.nodes.find((n) => n.opType === 'Relu')!;
    expect(whyNotRoundable(sim.model, relu.name)).toMatch(/Relu layers keep nearest rounding/);
  });
});
