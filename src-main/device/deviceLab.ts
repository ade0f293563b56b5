/**
 * The device lab: the one object front ends use for devices. It keeps the registry, the SSH
 * connection pool (Bitbench's known_hosts lives in the home folder), the secret store and the
 * per-device queue, and hands out local or SSH devices by name.
 */
import { join } from 'node:path';
import { BitbenchError, LOCAL_DEVICE_NAME, type DeviceRecord, type MeasureResult, type ProbeResult, type SshAuth } from '../api/index.js';
import { DeviceQueue } from './deviceQueue.js';
import type { DeviceRegistry } from './deviceRegistry.js';
import { JsonDeviceRegistry } from './jsonDeviceRegistry.js';
import { LocalDevice } from './localDevice.js';
import type { MeasurableDevice } from './measurableDevice.js';
import { measureLatency, type MeasureOptions } from './measure/measureLatency.js';
import { MemorySecretStore, type SecretStore } from './secrets.js';
import { SshConnectionPool, type SshPoolOptions } from './ssh/connectionPool.js';
import { SshDevice } from './sshDevice.js';

export interface DeviceLabOptions extends Partial<Omit<SshPoolOptions, 'secrets'>> {
  /** Bitbench home: devices.json and known_hosts live here. */
  home: string;
  registry?: DeviceRegistry;
  secrets?: SecretStore;
}

export interface AddDeviceInput {
  name: string;
  host: string;
  port?: number;
  user?: string;
  keyFile?: string;
  auth?: SshAuth[];
  workDir?: string;
}

/** The built-in device answers to its name in any case, and to "local". */
function localName(name: string): string {
  const n = name.trim().toLowerCase();
  return n === LOCAL_DEVICE_NAME || n === 'local' ? LOCAL_DEVICE_NAME : name;
}

export class DeviceLab {
  readonly registry: DeviceRegistry;
  readonly secrets: SecretStore;
  readonly queue = new DeviceQueue();
  private readonly pool: SshConnectionPool;
  private readonly local = new LocalDevice();

  constructor(options: DeviceLabOptions) {
    this.registry = options.registry ?? new JsonDeviceRegistry(options.home);
    this.secrets = options.secrets ?? new MemorySecretStore();
    this.pool = new SshConnectionPool({ ...options, knownHostsFile: options.knownHostsFile ?? join(options.home, 'known_hosts'), secrets: this.secrets });
  }

  /**
   * Adds an SSH device after connecting to it once: the host key must be known (or match
   * `trustFingerprint`) and the login must work, so a saved device is a usable device.
   */
  async add(input: AddDeviceInput, connect: { trustFingerprint?: string } = {}): Promise<{ record: DeviceRecord; fingerprint: string }> {
    if (input.name === LOCAL_DEVICE_NAME) throw new BitbenchError('BAD_REQUEST', `"${LOCAL_DEVICE_NAME}" is built in.`, 'Pick another name.');
    const record: DeviceRecord = {
      name: input.name,
      kind: 'ssh',
      host: input.host,
      ...(input.port !== undefined && { port: input.port }),
      ...(input.user !== undefined && { user: input.user }),
      ...(input.keyFile !== undefined && { keyFile: input.keyFile }),
      ...(input.auth !== undefined && { auth: input.auth }),
      ...(input.workDir !== undefined && { workDir: input.workDir }),
      createdAt: new Date().toISOString(),
    };
    await this.pool.drop(input.name);
    const session = await this.pool.get(record, connect);
    await this.registry.save(record);
    return { record, fingerprint: session.fingerprint };
  }

  async list(): Promise<DeviceRecord[]> {
    return this.registry.list();
  }

  /** The device called `name` (default: this computer). */
  async device(name: string = LOCAL_DEVICE_NAME): Promise<MeasurableDevice> {
    if (localName(name) === LOCAL_DEVICE_NAME) return this.local;
    const record = await this.registry.get(name);
    if (!record) throw new BitbenchError('NOT_FOUND', `There is no device named "${name}".`, 'List devices with `bitbench device list`, or add it with `bitbench device add`.');
    return new SshDevice(record, this.pool);
  }

  /** Probes a device (in its queue) and keeps the result. */
  async probe(name: string = LOCAL_DEVICE_NAME): Promise<ProbeResult> {
    name = localName(name);
    const device = await this.device(name);
    return this.queue.run(device.name, async () => {
      const probe = await device.probe();
      if (name !== LOCAL_DEVICE_NAME) await this.registry.saveProbe(name, probe);
      return probe;
    });
  }

  /** Measures a model on a device (in its queue), probing first when no probe is kept. */
  async measure(name: string, modelPath: string, options: MeasureOptions = {}): Promise<MeasureResult> {
    name = localName(name);
    const device = await this.device(name);
    return this.queue.run(device.name, async () => {
      let probe = options.probe ?? (name === LOCAL_DEVICE_NAME ? undefined : await this.registry.getProbe(name));
      if (!probe) {
        probe = await device.probe();
        if (name !== LOCAL_DEVICE_NAME) await this.registry.saveProbe(name, probe);
      }
      return measureLatency(device, modelPath, { ...options, probe });
    });
  }

  async remove(name: string): Promise<boolean> {
    await this.pool.drop(name);
    await this.secrets.delete(name);
    return this.registry.remove(name);
  }

  async close(): Promise<void> {
    await this.pool.closeAll();
  }
}
