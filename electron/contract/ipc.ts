// Electron IPC channel names. Kept free of imports: the sandboxed preload bundles only this file.
export const IPC_REQUEST = 'lintel:request';
export const IPC_EVENT = 'lintel:event';
/** Media frames (ArrayBuffer, layout in media.ts), both ways. */
export const IPC_MEDIA = 'lintel:media';
