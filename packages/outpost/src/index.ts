/** Palisade's outposts. The proxy outpost's runtime is in proxy/, the process that feeds it in process/. */
export type * from './proxy/types.ts';
