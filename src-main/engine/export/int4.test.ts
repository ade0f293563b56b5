import { describe, expect, it } from 'vitest';
import { tensorFromProto, tensorToProto } from '../onnx/tensor.js';
import { int4Tensor, packInt4, unpackInt4 } from './int4.js';

describe('INT4 packing', () => {
  it('puts the first value in the low nibble and survives a TensorProto round trip (odd length)', () => {
    expect(Array.from(packInt4([1, -1, -8, 7, 3]))).toEqual([0xf1, 0x78, 0x03]);
    const levels = Int8Array.from({ length: 77 }, (_, i) => ((i * 5) % 16) - 8);
    const t = tensorFromProto(tensorToProto(int4Tensor('w', [7, 11], levels)), null);
    expect(Array.from(unpackInt4(t.data as Uint8Array, 77))).toEqual(Array.from(levels));
  });

  it('refuses levels outside [-8, 7]', () => {
    expect(() => packInt4([8])).toThrow(RangeError);
  });
});
