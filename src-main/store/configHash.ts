/**
 * A stable identity for a configuration: the SHA-256 of a canonical JSON form (groups sorted by id,
 * keys in a fixed order, absent options omitted), so the same bit-widths hash the same no matter how
 * the object was built or which machine stored it.
 */
import { createHash } from 'node:crypto';
import type { QuantConfig } from '../api/index.js';

/** The canonical JSON text of a configuration. */
export function canonicalConfigJson(config: QuantConfig): string {
  const groups = Object.keys(config.groups)
    .sort()
    .map((id) => [id, { w: config.groups[id].w, a: config.groups[id].a }] as const);
  const canonical: Record<string, unknown> = { groups: Object.fromEntries(groups) };
  if (config.calibration !== undefined) canonical.calibration = config.calibration;
  if (config.rounding !== undefined) canonical.rounding = config.rounding;
  return JSON.stringify(canonical);
}

/** The stable hash of a configuration (hex SHA-256 of its canonical JSON). */
export function configHash(config: QuantConfig): string {
  return createHash('sha256').update(canonicalConfigJson(config)).digest('hex');
}
