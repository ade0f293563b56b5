import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EncryptedSecretStore, type SecretCipher } from './encryptedSecrets.js';

/** AES-256-GCM with a key held in memory: the role the OS keychain plays behind safeStorage. */
function aesCipher(): SecretCipher {
  const key = randomBytes(32);
  return {
    isEncryptionAvailable: () => true,
    encryptString(plain) {
      const iv = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
      return Buffer.concat([iv, c.getAuthTag(), body]);
    },
    decryptString(buf) {
      const d = createDecipheriv('aes-256-gcm', key, buf.subarray(0, 12));
      d.setAuthTag(buf.subarray(12, 28));
      return Buffer.concat([d.update(buf.subarray(28)), d.final()]).toString('utf8');
    },
  };
}

describe('encrypted device secrets', () => {
  it('keeps secrets encrypted on disk, owner-only, and reads them back', async () => {
    const home = mkdtempSync(join(tmpdir(), 'bb-secrets-'));
    const cipher = aesCipher();
    const store = new EncryptedSecretStore(home, cipher);
    await store.set('jetson', 'password', 'hunter2-very-secret');
    await store.set('pi', 'passphrase', 'correct horse');
    const raw = readFileSync(join(home, 'secrets.bin'));
    expect(raw.toString('latin1')).not.toContain('hunter2');
    expect(statSync(join(home, 'secrets.bin')).mode & 0o077).toBe(0);
    // A new store over the same file (the app restarted) reads them.
    const again = new EncryptedSecretStore(home, cipher);
    expect(await again.get('jetson', 'password')).toBe('hunter2-very-secret');
    await again.delete('jetson');
    expect(await again.get('jetson', 'password')).toBeUndefined();
    expect(await again.get('pi', 'passphrase')).toBe('correct horse');
  });

  it('keeps secrets in memory only when no OS keychain is available', async () => {
    const home = mkdtempSync(join(tmpdir(), 'bb-secrets-'));
    const store = new EncryptedSecretStore(home, { isEncryptionAvailable: () => false, encryptString: () => Buffer.alloc(0), decryptString: () => '' });
    await store.set('box', 'password', 'pw');
    expect(await store.get('box', 'password')).toBe('pw');
    expect(() => statSync(join(home, 'secrets.bin'))).toThrow();
  });
});
