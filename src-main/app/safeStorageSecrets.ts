/** Device secrets in the desktop app: encrypted with the OS keychain through Electron's safeStorage. */
import { safeStorage } from 'electron';
import { EncryptedSecretStore } from './encryptedSecrets.js';

export function createSafeStorageSecretStore(home: string): EncryptedSecretStore {
  return new EncryptedSecretStore(home, safeStorage);
}
