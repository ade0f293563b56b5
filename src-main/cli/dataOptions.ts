/**
 * The preprocessing flags every data-consuming command shares (evaluate, search, ...):
 * --preprocess FILE.json as a preset, then --scale/--mean/--std/--layout/--channels/--resize on top.
 * Bad values are refused with a message naming the flag and an example of a good value.
 */
import { readFileSync } from 'node:fs';
import { InvalidArgumentError, type Command } from 'commander';
import { z } from 'zod';
import { BitbenchError } from '../api/errors.js';
import type { Preprocess } from '../engine/data/preprocess.js';

/** The flags as commander parses them. */
export interface PreprocessFlags {
  preprocess?: string;
  scale?: number;
  mean?: number[];
  std?: number[];
  layout?: 'nchw' | 'nhwc';
  channels?: 'gray' | 'rgb' | 'bgr';
  resize?: [number, number];
}

/** A number, or a fraction such as 1/255. */
export function parseScale(text: string): number {
  const m = /^\s*([-+0-9.eE]+)\s*(?:\/\s*([-+0-9.eE]+))?\s*$/.exec(text);
  const value = m ? Number(m[1]) / (m[2] === undefined ? 1 : Number(m[2])) : NaN;
  if (!Number.isFinite(value) || value === 0) throw new InvalidArgumentError('a scale is a non-zero number or fraction, e.g. 1/255 or 0.00392.');
  return value;
}

/** Comma-separated numbers: "0.485,0.456,0.406" or one value for every channel. */
export function parseNumberList(text: string): number[] {
  const values = text.split(',').map((s) => s.trim());
  const nums = values.map(Number);
  if (values.some((s) => s === '') || nums.some((n) => !Number.isFinite(n))) throw new InvalidArgumentError('give numbers separated by commas, e.g. 0.2860 or 0.485,0.456,0.406.');
  return nums;
}

/** "HxW" or "H,W" (a single number means square). */
export function parseResize(text: string): [number, number] {
  const parts = text.trim().toLowerCase().split(/[x,]/);
  const nums = parts.map((s) => Number(s.trim()));
  const [h, w] = nums.length === 1 ? [nums[0], nums[0]] : nums;
  if (nums.length > 2 || ![h, w].every((n) => Number.isInteger(n) && n >= 1 && n <= 16384)) throw new InvalidArgumentError('a size is HEIGHTxWIDTH in pixels, e.g. 224x224 or 28.');
  return [h, w];
}

function choice<T extends string>(allowed: readonly T[]): (text: string) => T {
  return (text) => {
    const t = text.trim().toLowerCase() as T;
    if (!allowed.includes(t)) throw new InvalidArgumentError(`choose one of ${allowed.join(', ')}.`);
    return t;
  };
}

/** Adds the preprocessing flags to a command. */
export function addPreprocessOptions(command: Command): Command {
  return command
    .option('--preprocess <file.json>', 'preprocessing preset: {"scale", "mean", "std", "layout", "channels", "resize"}; flags below override it')
    .option('--scale <n>', 'multiplier on raw pixel values (default 1/255 for 8-bit pixels)', parseScale)
    .option('--mean <values>', 'subtracted after scaling: one value or one per channel, comma-separated', parseNumberList)
    .option('--std <values>', 'divisor after the mean: one value or one per channel, comma-separated', parseNumberList)
    .option('--layout <layout>', 'model input layout: nchw or nhwc (default nchw)', choice(['nchw', 'nhwc'] as const))
    .option('--channels <order>', 'channels the model expects: gray, rgb or bgr (default: the data\'s own)', choice(['gray', 'rgb', 'bgr'] as const))
    .option('--resize <HxW>', 'resize every image to HEIGHTxWIDTH (bilinear)', parseResize);
}

const PresetSchema = z
  .object({
    scale: z.number().finite().refine((n) => n !== 0, 'must not be 0').optional(),
    mean: z.union([z.number(), z.array(z.number()).min(1)]).optional(),
    std: z.union([z.number(), z.array(z.number()).min(1)]).optional(),
    layout: z.enum(['nchw', 'nhwc']).optional(),
    channels: z.enum(['gray', 'rgb', 'bgr']).optional(),
    resize: z.union([z.number().int().min(1), z.tuple([z.number().int().min(1), z.number().int().min(1)])]).optional(),
  })
  .strict();

/** Reads and validates a preset file. */
export function readPreprocessPreset(file: string): Preprocess {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new BitbenchError('INVALID_DATASET', `Cannot read the preprocessing preset ${file}: ${(error as Error).message}.`, 'Give a JSON file such as {"mean": [0.286], "std": [0.353]}.', { cause: error });
  }
  const parsed = PresetSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new BitbenchError('INVALID_DATASET', `Preprocessing preset ${file}: ${issue.path.join('.') || '(root)'} ${issue.message}.`, 'Allowed keys: scale (number), mean/std (number or list), layout (nchw|nhwc), channels (gray|rgb|bgr), resize ([h, w]).');
  }
  const p = parsed.data;
  const list = (v: number | number[] | undefined) => (v === undefined ? undefined : Array.isArray(v) ? v : [v]);
  const out: Preprocess = {};
  if (p.scale !== undefined) out.scale = p.scale;
  if (p.mean !== undefined) out.mean = list(p.mean);
  if (p.std !== undefined) out.std = list(p.std);
  if (p.layout) out.layout = p.layout;
  if (p.channels) out.channels = p.channels;
  if (p.resize !== undefined) out.resize = typeof p.resize === 'number' ? [p.resize, p.resize] : p.resize;
  return out;
}

/** The declared preprocessing from parsed flags: preset first, explicit flags override. */
export function preprocessFromOptions(flags: PreprocessFlags): Preprocess {
  const out: Preprocess = flags.preprocess ? readPreprocessPreset(flags.preprocess) : {};
  if (flags.scale !== undefined) out.scale = flags.scale;
  if (flags.mean !== undefined) out.mean = flags.mean;
  if (flags.std !== undefined) out.std = flags.std;
  if (flags.layout !== undefined) out.layout = flags.layout;
  if (flags.channels !== undefined) out.channels = flags.channels;
  if (flags.resize !== undefined) out.resize = flags.resize;
  if (out.std?.some((s) => s === 0)) throw new BitbenchError('INVALID_DATASET', 'The std contains 0.', 'A standard deviation divides the values; use non-zero numbers.');
  return out;
}
