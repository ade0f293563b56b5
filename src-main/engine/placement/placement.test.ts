import { describe, expect, it } from 'vitest';
import { loadModel } from '../model/loadModel.js';

const path = (name: string): string => `/work/shared/models/${name}.onnx`;

describe('quantizer placement', () => {
  it('groups ResNet-20: weight + input per layer, shared inputs, residual Add inputs', async () => {
    const { info, placement } = await loadModel(path('fmnist_resnet20'));
    expect(info.layers).toHaveLength(22);
    expect(info.layers.filter((l) => l.op === 'Conv')).toHaveLength(21);
    // every weight and every activation quantizer is in exactly one group
    const weights = info.groups.flatMap((g) => g.weightQuantizers);
    const activations = info.groups.flatMap((g) => g.activationQuantizers);
    expect(new Set(weights).size).toBe(weights.length);
    expect(weights.sort()).toEqual(info.layers.map((l) => l.name).sort());
    expect(new Set(activations).size).toBe(activations.length);
    // the downsampling block: c1 and the shortcut conv read the same activation -> one group
    const down = info.groups.find((g) => g.weightQuantizers.includes('/layers/layers.3/sc/sc.0/Conv'))!;
    expect(down.weightQuantizers).toEqual(['/layers/layers.3/c1/Conv', '/layers/layers.3/sc/sc.0/Conv']);
    expect(down.activationQuantizers).toEqual(['/layers/layers.2/Relu_1_output_0']);
    // a residual Add: its two inputs share a group (here with the block's identity input)
    const block = info.groups.find((g) => g.id === '/layers/layers.0/c1/Conv')!;
    expect(block.activationQuantizers).toEqual(['/stem/stem.2/Relu_output_0', '/layers/layers.0/c2/Conv_output_0']);
    expect(placement.groupOfLayer.get('/layers/layers.0/c1/Conv')).toBe(block.id);
    // MACs per sample of the stem: 16 x 28 x 28 outputs x 9 taps
    expect(info.layers[0].macs).toBe(16 * 28 * 28 * 9);
    expect(info.layers[0].params).toBe(16 * 9 + 16);
  });

  it('finds depthwise convolutions with their MACs (MobileNetV2)', async () => {
    const { info } = await loadModel(path('fmnist_mobilenetv2'));
    const depthwise = info.layers.filter((l) => l.op === 'Conv' && l.weightShape[1] === 1 && l.weightShape[2] === 3);
    expect(depthwise.length).toBeGreaterThan(5);
    for (const l of depthwise) expect(l.macs).toBeLessThan(l.weightShape[0] * 9 * 28 * 28 + 1);
  });

  it('treats MatMul between activations as activation-only, and a bias Add joins nothing (ViT)', async () => {
    const { info, placement } = await loadModel(path('fmnist_vit'));
    const attention = placement.layers.filter((l) => l.node.opType === 'MatMul' && l.weightInput < 0);
    expect(attention).toHaveLength(8);
    for (const l of attention) expect(l.activationInputs).toHaveLength(2);
    const qkv = placement.layers.find((l) => l.node.name === '/blocks/blocks.0/qkv/MatMul')!;
    expect(qkv.channelAxis).toBe(1);
    expect(info.layers.find((l) => l.name === qkv.node.name)!.weightShape).toEqual([64, 192]);
    // bias Adds read one activation: none of their outputs is a join group by itself
    expect(info.groups.filter((g) => g.id.startsWith('act:') && g.activationQuantizers.length < 2)).toHaveLength(0);
  });
});
