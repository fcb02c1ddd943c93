/**
 * Palisade's outpost program. The runtime every outpost type shares is in process/ (its module interface:
 * process/outpost-module.ts); each type is a folder beside it with a module.ts (proxy/ today).
 */
export type * from './proxy/types.ts';
