/**
 * HNSW in a browser build: not available, since USearch is a native addon. The collections a
 * page holds are searched exactly (knnMethodFor's 'auto' picks exact below 500,000 faces of 512-d).
 */
import { fail } from '../errors.js';

export type HnswIndex = never;

function unavailable(): never {
  fail('UNSUPPORTED', 'approximate kNN (HNSW) needs Node: its library, USearch, is a native addon; use the exact method in a browser');
}

export const addToHnsw = unavailable;
export const buildHnswIndex = unavailable;
export const loadHnswIndex = unavailable;
export const saveHnswIndex = unavailable;
export const searchHnsw = unavailable;
