/**
 * Prefix reuse on the reference models: for every quantizer group lowered from the top
 * configuration, the suffix graph fed with the kept prefix outputs computes exactly (bit for bit)
 * the logits of the whole QDQ graph, and the evaluation equals the simulator's. Two tops: W8A8
 * (integer Q/DQ levels) and W8A16 (the float form of wide activations, whose lowering to 8 bits
 * also changes layer formats).
 */
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BitPair, QuantConfig } from '../../api/quant.js';
import type { Dataset } from '../data/dataset.js';
import { openDataset } from '../data/open.js';
import { subset } from '../data/subset.js';
import { createSession } from '../runtime/session.js';
import { PrefixReuse } from './prefixReuse.js';
import { QuantSimulator } from './simulator.js';
import { levelTensors, splitAtFirstChange } from './suffixGraph.js';

const MODELS = '/work/shared/models';
const DATA = 'fmnist:/usr/share/datasets/fashion-mnist';
/** Two batches of the simulator's 250, the second partial. */
const N = 300;

let data: Dataset;
let calibration: Dataset;

beforeAll(async () => {
  const pre = { scale: 1 / 255, mean: [0.286], std: [0.353] };
  data = subset(await openDataset(`${DATA}:test`, pre), 0, N);
  calibration = subset(await openDataset(`${DATA}:train`, pre), 0, 128);
});

function uniform(sim: QuantSimulator, pair: BitPair): QuantConfig {
  return { groups: Object.fromEntries(sim.info.groups.map((g) => [g.id, { ...pair }])) };
}

/** Logits of the whole QDQ graph of `config` on the same batches the simulator uses. */
async function wholeOutputs(sim: QuantSimulator, config: QuantConfig): Promise<Float32Array> {
  const { batchSize, inputName, outputName } = sim.runSettings;
  const session = await createSession(sim.qdqModel(config));
  const parts: Float32Array[] = [];
  try {
    for await (const batch of data.batches({ batchSize, count: N })) {
      const out = await session.run({ [inputName]: new ort.Tensor('float32', batch.input, batch.dims) });
      parts.push(((out[outputName] as ort.Tensor).data as Float32Array).slice());
    }
  } finally {
    await session.release();
  }
  const all = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    all.set(p, o);
    o += p.length;
  }
  return all;
}

function bitsEqual(a: Float32Array, b: Float32Array): boolean {
  return a.length === b.length && Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.byteLength), Buffer.from(b.buffer, b.byteOffset, b.byteLength)) === 0;
}

for (const name of ['resnet20', 'vit']) {
  describe(`prefix reuse on ${name}`, () => {
    let sim: QuantSimulator;
    beforeAll(async () => {
      sim = await QuantSimulator.create(`${MODELS}/fmnist_${name}.onnx`, { calibration, calibrationLimit: 128 });
    });
    afterAll(async () => sim?.dispose());

    for (const [top, lower] of [
      [{ w: 8, a: 8 }, { w: 3, a: 4 }],
      [{ w: 8, a: 16 }, { w: 4, a: 8 }],
    ] as const) {
      it(`W${top.w}A${top.a} top, each group at W${lower.w}A${lower.a}: suffix logits are bit-identical to the whole graph`, async () => {
        const base = uniform(sim, top);
        const reuse = await PrefixReuse.open(sim, base, data, { limit: N });
        try {
          let shareSum = 0;
          for (const group of sim.info.groups) {
            const config = { groups: { ...base.groups, [group.id]: { ...lower } } };
            const suffix = await reuse.suffixOutputs(config);
            expect(suffix, `${group.id} ran as a suffix`).not.toBeNull();
            expect(bitsEqual(suffix!, await wholeOutputs(sim, config)), `${group.id}: suffix logits equal the whole graph's`).toBe(true);
            shareSum += splitAtFirstChange(sim.qdqModel(base), sim.qdqModel(config))!.nodes.length / sim.qdqModel(config).graph.nodes.length;
          }
          // It is a saving: on average the suffixes run well under the whole graph.
          expect(shareSum / sim.info.groups.length).toBeLessThan(0.8);
          expect(reuse.stats.fullEvaluations).toBe(0);
          // The evaluation record is the simulator's own.
          const last = sim.info.groups[sim.info.groups.length - 1].id;
          const config = { groups: { ...base.groups, [sim.info.groups[0].id]: { ...lower } } };
          const mine = await reuse.evaluate(config);
          const theirs = await sim.evaluate(config, data, { limit: N });
          expect({ sqnrDb: mine.sqnrDb, accuracy: mine.accuracy, samples: mine.samples }).toEqual({ sqnrDb: theirs.sqnrDb, accuracy: theirs.accuracy, samples: theirs.samples });
          expect(last).toBeTruthy();
        } finally {
          reuse.close();
        }
      }, 240_000);
    }

    it('falls back to whole evaluations when the memory bound is too small, with the same numbers', async () => {
      const base = uniform(sim, { w: 8, a: 8 });
      const reuse = await PrefixReuse.open(sim, base, data, { limit: N, memoryBytes: 1024 });
      try {
        const config = { groups: { ...base.groups, [sim.info.groups[1].id]: { w: 4, a: 8 } } };
        const mine = await reuse.evaluate(config);
        const theirs = await sim.evaluate(config, data, { limit: N });
        expect(reuse.stats.fullEvaluations).toBe(1);
        expect(reuse.stats.suffixEvaluations).toBe(0);
        expect(mine.sqnrDb).toBe(theirs.sqnrDb);
        expect(mine.accuracy).toBe(theirs.accuracy);
      } finally {
        reuse.close();
      }
    }, 120_000);

    it('stops at cancellation with CANCELLED, before and during an evaluation', async () => {
      const base = uniform(sim, { w: 8, a: 8 });
      const aborted = AbortSignal.abort();
      await expect(PrefixReuse.open(sim, base, data, { limit: N, signal: aborted })).rejects.toMatchObject({ code: 'CANCELLED' });
      const reuse = await PrefixReuse.open(sim, base, data, { limit: N });
      try {
        const config = { groups: { ...base.groups, [sim.info.groups[2].id]: { w: 4, a: 4 } } };
        await expect(reuse.evaluate(config, aborted)).rejects.toMatchObject({ code: 'CANCELLED' });
        // Nothing half-kept is used afterwards: the next evaluation is complete and exact.
        expect((await reuse.evaluate(config)).sqnrDb).toBe((await sim.evaluate(config, data, { limit: N })).sqnrDb);
      } finally {
        reuse.close();
      }
    }, 120_000);

    it('cuts only at level tensors', () => {
      const model = sim.qdqModel(uniform(sim, { w: 8, a: 8 }));
      const levels = new Set(levelTensors(model));
      expect(levels.size).toBeGreaterThan(3);
      for (const node of model.graph.nodes) if (node.opType === 'DequantizeLinear' && !model.graph.initializers.has(node.inputs[0])) expect(levels.has(node.inputs[0])).toBe(true);
    });
  });
}
