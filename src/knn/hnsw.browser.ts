/**
 * HNSW in a browser build: not available, since USearch is a native addon. The collections a
 * page holds are searched exactly (knnMethodFor's 'auto' picks exact below 500,000 faces of
 * 512-d). Same signatures as hnsw.node.ts, so that the code that calls it type-checks in both builds.
 */
import { fail } from '../errors.js';
import type { Features } from '../types.js';
import type { HnswOptions } from './hnsw-options.js';

/** What the search code asks of an index (hnsw.node.ts's is USearch's). */
export interface HnswIndex {
  size(): number;
}

function unavailable(): never {
  fail('UNSUPPORTED', 'approximate kNN (HNSW) needs Node: its library, USearch, is a native addon; use the exact method in a browser');
}

export function addToHnsw(_index: HnswIndex, _rows: Features, _first: number, _options?: HnswOptions, _onProgress?: (done: number,
  total: number) => void): void {
  unavailable();
}

export function buildHnswIndex(_unit: Features, _options?: HnswOptions, _onProgress?: (done: number, total: number) => void): HnswIndex {
  unavailable();
}

export function loadHnswIndex(_path: string, _dim: number, _n: number, _options?: HnswOptions): HnswIndex {
  unavailable();
}

export function saveHnswIndex(_index: HnswIndex, _path: string): void {
  unavailable();
}

export function searchHnsw(_index: HnswIndex, _queries: Features, _w: number, _options?: HnswOptions, _onProgress?: (done: number,
  total: number) => void): Int32Array {
  unavailable();
}
