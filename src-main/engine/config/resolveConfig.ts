/**
 * Configurations from what users type: "--bits W8A8" (every group the same) or a JSON file holding
 * a QuantConfig, a search result with a `config` field, or groups written as "W4A8" strings.
 */
import { readFileSync } from 'node:fs';
import { BitbenchError } from '../../api/errors.js';
import { type BitPair, type ModelInfo, QuantConfig, parseBitPair } from '../../api/quant.js';

/** The configuration that puts every group of the model at one bit pair ("FP32": none). */
export function uniformConfig(info: ModelInfo, pair: BitPair): QuantConfig {
  if (pair.w === null && pair.a === null) return { groups: {} };
  return { groups: Object.fromEntries(info.groups.map((g) => [g.id, pair])) };
}

/** Parses "W8A8" / "W4" / "FP32" into a uniform configuration. */
export function configFromBits(info: ModelInfo, bits: string): QuantConfig {
  const pair = parseBitPair(bits);
  if (!pair) throw new BitbenchError('INVALID_CONFIG', `"${bits}" is not a bit-width pair.`, 'Write it like W8A8, W4A8, W8A16, W4 (float activations) or FP32.');
  return uniformConfig(info, pair);
}

/** Reads a configuration file (JSON). */
export function configFromFile(path: string): QuantConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new BitbenchError('INVALID_CONFIG', `The configuration file ${path} cannot be read as JSON (${(error as Error).message}).`, 'Pass a JSON file like {"groups": {"<group id>": {"w": 8, "a": 8}}}.', { cause: error });
  }
  const candidate = (raw && typeof raw === 'object' && 'config' in raw ? (raw as { config: unknown }).config : raw) as Record<string, unknown>;
  if (candidate && typeof candidate === 'object' && candidate.groups && typeof candidate.groups === 'object') {
    const groups: Record<string, unknown> = {};
    for (const [id, value] of Object.entries(candidate.groups as Record<string, unknown>)) {
      if (typeof value === 'string') {
        const pair = parseBitPair(value);
        if (!pair) throw new BitbenchError('INVALID_CONFIG', `Group "${id}" has bit-widths "${value}".`, 'Write them like W8A8, W4A8 or FP32.');
        groups[id] = pair;
      } else groups[id] = value;
    }
    const parsed = QuantConfig.safeParse({ ...candidate, groups });
    if (parsed.success) return parsed.data;
    throw new BitbenchError('INVALID_CONFIG', `The configuration in ${path} is not valid: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}.`, 'Each group needs {"w": 2..16 or null, "a": 2..16 or null}.');
  }
  throw new BitbenchError('INVALID_CONFIG', `The file ${path} holds no configuration (no "groups").`, 'Pass a JSON file like {"groups": {"<group id>": {"w": 8, "a": 8}}}.');
}
