/** Plain attribute values of an IR node, the form layerGram and the layouts read. */
import type { Node } from '../onnx/ir.js';
import { toNumber } from '../onnx/ir.js';
import { AttributeType } from '../onnx/schema.js';

/** INT -> number, INTS -> number[], FLOAT -> number, FLOATS -> number[], STRING -> string. */
export function plainAttributes(node: Node): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const a of node.attributes) {
    if (a.type === AttributeType.INT) out[a.name] = toNumber(a.i);
    else if (a.type === AttributeType.INTS) out[a.name] = (a.ints ?? []).map(toNumber);
    else if (a.type === AttributeType.FLOAT) out[a.name] = a.f ?? 0;
    else if (a.type === AttributeType.FLOATS) out[a.name] = [...(a.floats ?? [])];
    else if (a.type === AttributeType.STRING) out[a.name] = Buffer.from(a.s ?? new Uint8Array()).toString('utf8');
  }
  return out;
}
