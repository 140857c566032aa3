// The host's persistent state: one SQLite file, with secrets sealed by a SecretCipher.
import { openDatabase, schemaVersion, type Db } from './database.js';
import { BindingRepo, ProblemsRepo, SecretsRepo, SettingsRepo } from './repositories.js';
import type { SecretCipher } from './secret-cipher.js';

export { keyFileCipher, safeStorageCipher, type SecretCipher, type SafeStorageLike } from './secret-cipher.js';
export { openDatabaseReadOnly, schemaVersion, type Db } from './database.js';
export type { StoredBinding, StoredChannel, StoredProblem, SecretName } from './repositories.js';
export { BindingRepo, ProblemsRepo, SecretsRepo, SettingsRepo };

export interface Store {
  db: Db;
  settings: SettingsRepo;
  secrets: SecretsRepo;
  binding: BindingRepo;
  problems: ProblemsRepo;
  close(): void;
}

export function openStore(file: string, cipher: SecretCipher): Store {
  const db = openDatabase(file);
  const secrets = new SecretsRepo(db, cipher);
  return {
    db,
    settings: new SettingsRepo(db),
    secrets,
    binding: new BindingRepo(db, secrets),
    problems: new ProblemsRepo(db),
    close: () => db.close(),
  };
}

export function storeSchemaVersion(store: Store): number {
  return schemaVersion(store.db);
}
