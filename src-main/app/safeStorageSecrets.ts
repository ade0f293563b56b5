/**
 * Device secrets for the desktop app: encrypted with the OS keychain through Electron's
 * safeStorage and kept in `secrets.bin` in the home folder; plain text never touches the disk.
 * When the OS offers no keychain, secrets stay in memory for the session only.
 */
import { safeStorage } from 'electron';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SecretKind, SecretStore } from '../device/secrets.js';

export class SafeStorageSecretStore implements SecretStore {
  private readonly file: string;
  private readonly memory = new Map<string, string>();

  constructor(home: string) {
    this.file = join(home, 'secrets.bin');
  }

  private get persistent(): boolean {
    return safeStorage.isEncryptionAvailable();
  }

  private readAll(): Record<string, string> {
    if (!this.persistent || !existsSync(this.file)) return {};
    return JSON.parse(safeStorage.decryptString(readFileSync(this.file))) as Record<string, string>;
  }

  private writeAll(values: Record<string, string>): void {
    writeFileSync(this.file, safeStorage.encryptString(JSON.stringify(values)), { mode: 0o600 });
  }

  async get(device: string, kind: SecretKind): Promise<string | undefined> {
    const key = `${device}\u0000${kind}`;
    return this.memory.get(key) ?? this.readAll()[key];
  }

  async set(device: string, kind: SecretKind, value: string): Promise<void> {
    const key = `${device}\u0000${kind}`;
    if (!this.persistent) {
      this.memory.set(key, value);
      return;
    }
    this.writeAll({ ...this.readAll(), [key]: value });
  }

  async delete(device: string): Promise<void> {
    for (const key of [...this.memory.keys()]) if (key.startsWith(`${device}\u0000`)) this.memory.delete(key);
    if (!this.persistent) return;
    const all = this.readAll();
    for (const key of Object.keys(all)) if (key.startsWith(`${device}\u0000`)) delete all[key];
    this.writeAll(all);
  }
}
