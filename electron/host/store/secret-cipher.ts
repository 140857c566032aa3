// Secrets at rest. In Electron the OS keyring (safeStorage) seals them; under plain Node a random
// 256-bit key in a file only the user can read does (AES-256-GCM).
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface SecretCipher {
  readonly kind: string;
  seal(plaintext: string): Buffer;
  open(sealed: Buffer): string;
}

const FORMAT = 1;

export function keyFileCipher(keyFile: string): SecretCipher {
  const key = loadOrCreateKey(keyFile);
  return {
    kind: 'key-file',
    seal(plaintext) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return Buffer.concat([Buffer.from([FORMAT]), iv, cipher.getAuthTag(), body]);
    },
    open(sealed) {
      if (sealed[0] !== FORMAT || sealed.length < 29) throw new Error('sealed secret has an unknown format');
      const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(1, 13));
      decipher.setAuthTag(sealed.subarray(13, 29));
      return Buffer.concat([decipher.update(sealed.subarray(29)), decipher.final()]).toString('utf8');
    },
  };
}

function loadOrCreateKey(keyFile: string): Buffer {
  if (existsSync(keyFile)) {
    const mode = statSync(keyFile).mode & 0o077;
    if (mode !== 0) chmodSync(keyFile, 0o600);
    const key = readFileSync(keyFile);
    if (key.length !== 32) throw new Error(`secret key file ${keyFile} is damaged (expected 32 bytes)`);
    return key;
  }
  mkdirSync(dirname(keyFile), { recursive: true, mode: 0o700 });
  const key = randomBytes(32);
  writeFileSync(keyFile, key, { mode: 0o600, flag: 'wx' });
  return key;
}

/** The subset of Electron's safeStorage that sealing needs (kept structural so Node code never imports electron). */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plain: string): Buffer;
  decryptString(sealed: Buffer): string;
}

export function safeStorageCipher(safeStorage: SafeStorageLike): SecretCipher {
  return {
    kind: 'electron-safe-storage',
    seal: (plaintext) => safeStorage.encryptString(plaintext),
    open: (sealed) => safeStorage.decryptString(sealed),
  };
}
