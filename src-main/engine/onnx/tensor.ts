/**
 * TensorProto <-> IR Tensor: element data from raw_data, the typed repeated fields, or an external
 * data file, and back to raw_data (always little-endian, as ONNX requires).
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { isAbsolute, join, normalize } from 'node:path';
import { BitbenchError } from '../../api/errors.js';
import { type Tensor, toNumber, elementCount } from './ir.js';
import { DataType } from './schema.js';

/** The plain object protobufjs decodes a TensorProto into (only the fields we read). */
export interface TensorProtoLike {
  name?: string;
  dims?: unknown[];
  data_type?: number;
  raw_data?: Uint8Array;
  float_data?: number[];
  int32_data?: number[];
  int64_data?: unknown[];
  double_data?: number[];
  uint64_data?: unknown[];
  external_data?: Array<{ key?: string; value?: string }>;
  data_location?: number;
}

function bytesOf(dataType: number, count: number): number {
  switch (dataType) {
    case DataType.FLOAT: case DataType.INT32: case DataType.UINT32: return 4 * count;
    case DataType.INT64: case DataType.UINT64: case DataType.DOUBLE: return 8 * count;
    case DataType.INT16: case DataType.UINT16: case DataType.FLOAT16: case DataType.BFLOAT16: return 2 * count;
    case DataType.INT4: case DataType.UINT4: return Math.ceil(count / 2);
    default: return count;
  }
}

/** Views little-endian bytes as the typed array of the data type (copying to get alignment). */
function typedFromBytes(dataType: number, bytes: Uint8Array): Tensor['data'] {
  const copy = new Uint8Array(bytes); // aligned copy owned by the tensor
  const buf = copy.buffer;
  switch (dataType) {
    case DataType.FLOAT: return new Float32Array(buf, 0, copy.byteLength / 4);
    case DataType.INT64: return new BigInt64Array(buf, 0, copy.byteLength / 8);
    case DataType.INT32: return new Int32Array(buf, 0, copy.byteLength / 4);
    case DataType.INT8: return new Int8Array(buf, 0, copy.byteLength);
    case DataType.INT16: return new Int16Array(buf, 0, copy.byteLength / 2);
    case DataType.UINT16: return new Uint16Array(buf, 0, copy.byteLength / 2);
    case DataType.DOUBLE: return new Float64Array(buf, 0, copy.byteLength / 8);
    default: return copy;
  }
}

function readExternal(proto: TensorProtoLike, modelDir: string | null, count: number): Uint8Array {
  const entries = new Map((proto.external_data ?? []).map((e) => [e.key ?? '', e.value ?? '']));
  const location = entries.get('location');
  if (!location || modelDir === null) {
    throw new BitbenchError('INVALID_MODEL', `Tensor "${proto.name}" keeps its data in an external file, but the file is unknown.`, 'Open the model from its folder so that the external data file beside it can be read.');
  }
  if (isAbsolute(location) || normalize(location).startsWith('..')) {
    throw new BitbenchError('INVALID_MODEL', `Tensor "${proto.name}" points outside the model folder (${location}).`, 'External data must sit in the model folder.');
  }
  const offset = Number(entries.get('offset') ?? 0);
  const length = entries.has('length') ? Number(entries.get('length')) : bytesOf(proto.data_type ?? 0, count);
  const out = new Uint8Array(length);
  let fd: number;
  try {
    fd = openSync(join(modelDir, location), 'r');
  } catch (error) {
    throw new BitbenchError('INVALID_MODEL', `The external data file "${location}" of tensor "${proto.name}" cannot be read.`, 'Keep the .data file beside the .onnx file.', { cause: error });
  }
  try {
    const got = readSync(fd, out, 0, length, offset);
    if (got !== length) throw new BitbenchError('INVALID_MODEL', `The external data file "${location}" is truncated (tensor "${proto.name}").`, 'Copy the model and its data file again.');
  } finally {
    closeSync(fd);
  }
  return out;
}

/** Decodes a TensorProto into an IR tensor. `modelDir` resolves external data. */
export function tensorFromProto(proto: TensorProtoLike, modelDir: string | null): Tensor {
  const dims = (proto.dims ?? []).map(toNumber);
  const dataType = proto.data_type ?? 0;
  const name = proto.name ?? '';
  const count = elementCount(dims);
  if (proto.data_location === 1) return { name, dataType, dims, data: typedFromBytes(dataType, readExternal(proto, modelDir, count)) };
  if (proto.raw_data && proto.raw_data.length > 0) {
    if (proto.raw_data.length < bytesOf(dataType, count)) {
      throw new BitbenchError('INVALID_MODEL', `Tensor "${name}" has ${proto.raw_data.length} bytes of data for shape [${dims}].`, 'The model file is damaged; export it again.');
    }
    return { name, dataType, dims, data: typedFromBytes(dataType, proto.raw_data) };
  }
  switch (dataType) {
    case DataType.FLOAT: return { name, dataType, dims, data: Float32Array.from(proto.float_data ?? []) };
    case DataType.DOUBLE: return { name, dataType, dims, data: Float64Array.from(proto.double_data ?? []) };
    case DataType.INT64: return { name, dataType, dims, data: BigInt64Array.from((proto.int64_data ?? []).map((v) => BigInt(toNumber(v)))) };
    case DataType.INT32: return { name, dataType, dims, data: Int32Array.from(proto.int32_data ?? []) };
    case DataType.INT8: return { name, dataType, dims, data: Int8Array.from(proto.int32_data ?? []) };
    case DataType.UINT8: case DataType.BOOL: return { name, dataType, dims, data: Uint8Array.from(proto.int32_data ?? []) };
    case DataType.INT16: return { name, dataType, dims, data: Int16Array.from(proto.int32_data ?? []) };
    case DataType.UINT16: case DataType.FLOAT16: case DataType.BFLOAT16: return { name, dataType, dims, data: Uint16Array.from(proto.int32_data ?? []) };
    default: return { name, dataType, dims, data: new Uint8Array(0) };
  }
}

/** Encodes an IR tensor as a TensorProto with raw_data. */
export function tensorToProto(tensor: Tensor): TensorProtoLike {
  const d = tensor.data;
  return {
    name: tensor.name,
    dims: tensor.dims,
    data_type: tensor.dataType,
    raw_data: new Uint8Array(d.buffer, d.byteOffset, d.byteLength),
  };
}

/** The tensor's values as float32 (for any numeric type). */
export function tensorAsFloat(tensor: Tensor): Float32Array {
  if (tensor.data instanceof Float32Array) return tensor.data;
  if (tensor.data instanceof BigInt64Array) return Float32Array.from(tensor.data, (v) => Number(v));
  if (tensor.dataType === DataType.FLOAT16) return Float32Array.from(tensor.data as Uint16Array, halfToFloat);
  return Float32Array.from(tensor.data as ArrayLike<number>);
}

/** The tensor's values as plain integers (for shapes, axes, etc.). */
export function tensorAsInts(tensor: Tensor): number[] {
  if (tensor.data instanceof BigInt64Array) return Array.from(tensor.data, (v) => Number(v));
  return Array.from(tensor.data as ArrayLike<number>);
}

function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * 2 ** -14 * (f / 1024);
  if (e === 31) return f ? NaN : s * Infinity;
  return s * 2 ** (e - 15) * (1 + f / 1024);
}

/** Creates a float32 tensor. */
export function floatTensor(name: string, dims: number[], data: Float32Array): Tensor {
  return { name, dataType: DataType.FLOAT, dims, data };
}
