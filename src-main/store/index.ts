/** Public surface of the store layer: the history database, its repositories and its queries. */
export * from './historyStore.js';
export * from './openDatabase.js';
export * from './configHash.js';
export * from './samplesBlob.js';
export * from './compareConfigurations.js';
export * from './runTransfer.js';
export { CURRENT_SCHEMA_VERSION, migrations, migrate, schemaVersion } from './migrations/index.js';
export type * from './repositories/catalogRepository.js';
export type * from './repositories/runsRepository.js';
export type * from './repositories/resultsRepository.js';
export type * from './repositories/outputsRepository.js';
export { RUN_LIST_SQL } from './repositories/runsRepository.js';
