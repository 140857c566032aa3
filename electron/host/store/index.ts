// The host's persistent state: one SQLite file, with secrets sealed by a SecretCipher.
import { openDatabase, schemaVersion, type Db } from './database.js';
import { BindingRepo, CallsRepo, ProblemsRepo, SecretsRepo, SettingsRepo, UnlockAttemptsRepo, VoiceLogRepo } from './repositories.js';
import type { SecretCipher } from './secret-cipher.js';
import { DoorOpensRepo, HistoryRepo, NoticesRepo } from './community-repos.js';

export { keyFileCipher, safeStorageCipher, type SecretCipher, type SafeStorageLike } from './secret-cipher.js';
export { openDatabaseReadOnly, schemaVersion, type Db } from './database.js';
export type { StoredBinding, StoredChannel, StoredProblem, SecretName, StoredCall, StoredUnlockAttempt, StoredVoiceEntry } from './repositories.js';
export { BindingRepo, CallsRepo, ProblemsRepo, SecretsRepo, SettingsRepo, UnlockAttemptsRepo, VoiceLogRepo };
export { DoorOpensRepo, HistoryRepo, NoticesRepo };
export type { CloudNoticeRecord, StoredDoorOpen, StoredNotice, UnlockHistoryRow } from './community-repos.js';

export interface Store {
  db: Db;
  settings: SettingsRepo;
  secrets: SecretsRepo;
  binding: BindingRepo;
  problems: ProblemsRepo;
  calls: CallsRepo;
  unlockAttempts: UnlockAttemptsRepo;
  voiceLog: VoiceLogRepo;
  notices: NoticesRepo;
  doorOpens: DoorOpensRepo;
  history: HistoryRepo;
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
    calls: new CallsRepo(db),
    unlockAttempts: new UnlockAttemptsRepo(db),
    voiceLog: new VoiceLogRepo(db),
    notices: new NoticesRepo(db),
    doorOpens: new DoorOpensRepo(db),
    history: new HistoryRepo(db),
    close: () => db.close(),
  };
}

export function storeSchemaVersion(store: Store): number {
  return schemaVersion(store.db);
}
