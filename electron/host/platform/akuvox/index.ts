// Akuvox open-ability API (seed 002): command specs and the client.
export * from './api.js';
export { AkuvoxClient, type AkuvoxClientOptions } from './client.js';
