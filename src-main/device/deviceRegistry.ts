/**
 * Where device records and their latest probe are kept. An interface, so the JSON file below can be
 * swapped for the SQLite store's repository without touching callers. Records are plain data and
 * never hold secrets (see secrets.ts). "this computer" is always present and cannot be removed.
 */
import { LOCAL_DEVICE_NAME, type DeviceRecord, type ProbeResult } from '../api/index.js';

export interface DeviceRegistry {
  /** Every device, "this computer" first. */
  list(): Promise<DeviceRecord[]>;
  get(name: string): Promise<DeviceRecord | undefined>;
  /** Adds or replaces a device by name. */
  save(record: DeviceRecord): Promise<void>;
  /** Removes a device; returns whether it existed. */
  remove(name: string): Promise<boolean>;
  saveProbe(name: string, probe: ProbeResult): Promise<void>;
  /** The latest probe of a device, if any. */
  getProbe(name: string): Promise<ProbeResult | undefined>;
}

/** The built-in record of this computer. */
export const LOCAL_DEVICE: DeviceRecord = { name: LOCAL_DEVICE_NAME, kind: 'local', createdAt: '1970-01-01T00:00:00.000Z' };
