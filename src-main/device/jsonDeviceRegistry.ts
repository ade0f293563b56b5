/**
 * The file-backed DeviceRegistry: `devices.json` in the Bitbench home (owner-only), written to a
 * temp file and renamed so a crash never leaves half a file. Validated on read; no secrets in it.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { BitbenchError, DeviceRecord, LOCAL_DEVICE_NAME, ProbeResult } from '../api/index.js';
import { LOCAL_DEVICE, type DeviceRegistry } from './deviceRegistry.js';

const DevicesFile = z.object({
  version: z.literal(1),
  devices: z.array(DeviceRecord),
  probes: z.record(z.string(), ProbeResult),
});
type DevicesFile = z.infer<typeof DevicesFile>;

export class JsonDeviceRegistry implements DeviceRegistry {
  readonly path: string;

  constructor(homeDir: string) {
    this.path = join(homeDir, 'devices.json');
  }

  private read(): DevicesFile {
    if (!existsSync(this.path)) return { version: 1, devices: [], probes: {} };
    const parsed = DevicesFile.safeParse(JSON.parse(readFileSync(this.path, 'utf8')));
    if (!parsed.success) throw new BitbenchError('STORE_CORRUPT', `${this.path} is not a valid device list.`, 'Fix or delete the file; devices can be added again.');
    return parsed.data;
  }

  private write(data: DevicesFile): void {
    const tmp = `${this.path}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(data, null, 2) + '\n', { mode: 0o600 });
    renameSync(tmp, this.path);
  }

  async list(): Promise<DeviceRecord[]> {
    return [LOCAL_DEVICE, ...this.read().devices];
  }

  async get(name: string): Promise<DeviceRecord | undefined> {
    if (name === LOCAL_DEVICE_NAME) return LOCAL_DEVICE;
    return this.read().devices.find((d) => d.name === name);
  }

  async save(record: DeviceRecord): Promise<void> {
    if (record.name === LOCAL_DEVICE_NAME) throw new BitbenchError('BAD_REQUEST', `"${LOCAL_DEVICE_NAME}" is built in.`, 'Pick another name.');
    const data = this.read();
    data.devices = [...data.devices.filter((d) => d.name !== record.name), DeviceRecord.parse(record)];
    this.write(data);
  }

  async remove(name: string): Promise<boolean> {
    if (name === LOCAL_DEVICE_NAME) throw new BitbenchError('BAD_REQUEST', `"${LOCAL_DEVICE_NAME}" is built in and cannot be removed.`);
    const data = this.read();
    const before = data.devices.length;
    data.devices = data.devices.filter((d) => d.name !== name);
    delete data.probes[name];
    this.write(data);
    return data.devices.length < before;
  }

  async saveProbe(name: string, probe: ProbeResult): Promise<void> {
    const data = this.read();
    data.probes[name] = ProbeResult.parse(probe);
    this.write(data);
  }

  async getProbe(name: string): Promise<ProbeResult | undefined> {
    return this.read().probes[name];
  }
}
