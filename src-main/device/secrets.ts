/**
 * Where device secrets (passwords, key passphrases) live. Never in devices.json or SQLite: the
 * Electron app fills a SecretStore backed by safeStorage; the CLI uses agents and key files and, at
 * most, an in-memory store for the life of one command.
 */

export type SecretKind = 'password' | 'passphrase';

/** Looks up and keeps device secrets by device name. */
export interface SecretStore {
  get(device: string, kind: SecretKind): Promise<string | undefined>;
  set(device: string, kind: SecretKind, value: string): Promise<void>;
  delete(device: string): Promise<void>;
}

/** Secrets held in memory only, gone when the process exits. */
export class MemorySecretStore implements SecretStore {
  private readonly values = new Map<string, string>();

  async get(device: string, kind: SecretKind): Promise<string | undefined> {
    return this.values.get(`${kind}\0${device}`);
  }

  async set(device: string, kind: SecretKind, value: string): Promise<void> {
    this.values.set(`${kind}\0${device}`, value);
  }

  async delete(device: string): Promise<void> {
    for (const key of [...this.values.keys()]) if (key.endsWith(`\0${device}`)) this.values.delete(key);
  }
}
