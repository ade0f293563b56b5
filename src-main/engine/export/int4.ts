/** INT4 tensors as ONNX stores them: two values per byte, the first in the low nibble (opset 21). */
import type { Tensor } from '../onnx/ir.js';
import { DataType } from '../onnx/schema.js';

/** Packs signed levels in [-8, 7] into an INT4 tensor's bytes. */
export function packInt4(levels: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(Math.ceil(levels.length / 2));
  for (let i = 0; i < levels.length; i++) {
    const v = levels[i];
    if (v < -8 || v > 7) throw new RangeError(`INT4 level ${v} at ${i} is outside [-8, 7]`);
    out[i >> 1] |= (v & 0x0f) << ((i & 1) * 4);
  }
  return out;
}

/** Unpacks an INT4 tensor's bytes into `count` signed levels. */
export function unpackInt4(bytes: Uint8Array, count: number): Int8Array {
  const out = new Int8Array(count);
  for (let i = 0; i < count; i++) {
    const nibble = (bytes[i >> 1] >> ((i & 1) * 4)) & 0x0f;
    out[i] = nibble >= 8 ? nibble - 16 : nibble;
  }
  return out;
}

export function int4Tensor(name: string, dims: number[], levels: ArrayLike<number>): Tensor {
  return { name, dataType: DataType.INT4, dims, data: packInt4(levels) };
}
