/**
 * Device secrets encrypted at rest: one file (`secrets.bin`, owner-only) holding all secrets,
 * encrypted and decrypted by an OS-backed cipher (Electron's safeStorage in the app). Without a
 * cipher (no OS keychain), secrets stay in memory for the session: plain text never touches disk.
 * Free of Electron imports so it is tested under plain Node.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SecretKind, SecretStore } from '../device/secrets.js';

/** The part of Electron's safeStorage this store uses. */
export interface SecretCipher {
  isEncryptionAvailable(): boolean;
  encryptString(plain: string): Buffer;
  decryptString(encrypted: Buffer): string;
}

export class EncryptedSecretStore implements SecretStore {
  private readonly file: string;
  private readonly memory = new Map<string, string>();

  constructor(
    home: string,
    private readonly cipher: SecretCipher,
  ) {
    this.file = join(home, 'secrets.bin');
  }

  private get persistent(): boolean {
    return this.cipher.isEncryptionAvailable();
  }

  private readAll(): Record<string, string> {
    if (!this.persistent || !existsSync(this.file)) return {};
    return JSON.parse(this.cipher.decryptString(readFileSync(this.file))) as Record<string, string>;
  }

  private writeAll(values: Record<string, string>): void {
    writeFileSync(this.file, this.cipher.encryptString(JSON.stringify(values)), { mode: 0o600 });
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
