/** HNSW's settings, apart from the library (hnsw.node.ts) so that builds without it can name them. */
export interface HnswOptions {
  /** Links per node (HNSW's M; the base layer keeps 2M). */
  connectivity?: number;
  /** Candidates kept while inserting (efConstruction). */
  expansionAdd?: number;
  /** Candidates kept while searching (ef); at least the neighbours asked for. */
  expansionSearch?: number;
  /** Threads for building and searching (default: all cores). */
  threads?: number;
}

/**
 * Chosen on 50,000 512-d synthetic faces (the hardest case measured: their far neighbours are
 * noise), the fastest of the settings tried that kept recall@80 at 0.95 there (README).
 */
export const HNSW_DEFAULTS = Object.freeze({ connectivity: 32, expansionAdd: 64, expansionSearch: 256 });
