/**
 * NPY arrays (NumPy's `.npy` format, versions 1 to 3): magic, a Python-dict header with dtype,
 * order and shape, then the little-endian values. Only what datasets need: numeric dtypes, C order.
 */
import { BitbenchError } from '../../api/errors.js';

export type NpyTypedArray = Float32Array | Float64Array | Uint8Array | Int8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | BigInt64Array | BigUint64Array;

/** A decoded NPY array. */
export interface NpyArray {
  /** NumPy type code without byte order, e.g. "f4", "u1", "i8". */
  dtype: string;
  shape: number[];
  data: NpyTypedArray;
}

const CTORS: Record<string, { new (buffer: ArrayBuffer): NpyTypedArray; BYTES_PER_ELEMENT: number }> = {
  f4: Float32Array,
  f8: Float64Array,
  u1: Uint8Array,
  b1: Uint8Array,
  i1: Int8Array,
  i2: Int16Array,
  u2: Uint16Array,
  i4: Int32Array,
  u4: Uint32Array,
  i8: BigInt64Array,
  u8: BigUint64Array,
};

const HINT = 'Save the array with numpy.save (little-endian, C order, a numeric dtype such as float32 or uint8).';

/** Parses `.npy` bytes; `file` names the source in error messages. */
export function parseNpy(bytes: Uint8Array, file: string): NpyArray {
  const magic = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];
  if (bytes.length < 10 || !magic.every((b, i) => bytes[i] === b)) {
    throw new BitbenchError('INVALID_DATASET', `${file} is not an NPY file (no \\x93NUMPY magic).`, HINT);
  }
  const major = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const headerStart = major === 1 ? 10 : 12;
  if (headerStart + headerLen > bytes.length) throw new BitbenchError('INVALID_DATASET', `${file} is truncated inside its NPY header.`, HINT);
  const header = new TextDecoder(major >= 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(headerStart, headerStart + headerLen));
  const descr = /'descr':\s*'([<>|=])([a-z]\d+)'/.exec(header);
  const order = /'fortran_order':\s*(True|False)/.exec(header);
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header);
  if (!descr || !order || !shapeText) throw new BitbenchError('INVALID_DATASET', `${file} has an NPY header that cannot be read: ${header.trim()}`, HINT);
  const [, byteOrder, dtype] = descr;
  const ctor = CTORS[dtype];
  if (!ctor) throw new BitbenchError('INVALID_DATASET', `${file} holds dtype ${dtype}, which Bitbench cannot read.`, 'Convert it to float32 (inputs) or int64/int32/uint8 (labels).');
  if (byteOrder === '>' && ctor.BYTES_PER_ELEMENT > 1) throw new BitbenchError('INVALID_DATASET', `${file} is big-endian.`, "Convert it with arr.astype(arr.dtype.newbyteorder('<')).");
  const shape = shapeText[1].split(',').map((s) => s.trim()).filter((s) => s !== '').map(Number);
  if (shape.some((d) => !Number.isInteger(d) || d < 0)) throw new BitbenchError('INVALID_DATASET', `${file} has a bad shape in its header: (${shapeText[1]}).`, HINT);
  if (order[1] === 'True' && shape.filter((d) => d > 1).length > 1) throw new BitbenchError('INVALID_DATASET', `${file} is stored in Fortran order.`, 'Save it with numpy.save(np.ascontiguousarray(arr)).');
  const count = shape.reduce((a, b) => a * b, 1);
  const dataStart = headerStart + headerLen;
  const byteLength = count * ctor.BYTES_PER_ELEMENT;
  if (dataStart + byteLength > bytes.length) {
    throw new BitbenchError('INVALID_DATASET', `${file} is truncated: shape (${shape.join(', ')}) needs ${byteLength} bytes of data, only ${bytes.length - dataStart} are there.`, 'Save or copy the file again.');
  }
  // Copy into a fresh buffer: the data offset is rarely aligned for the element size.
  const buffer = bytes.buffer.slice(bytes.byteOffset + dataStart, bytes.byteOffset + dataStart + byteLength) as ArrayBuffer;
  return { dtype, shape, data: new ctor(buffer) };
}
