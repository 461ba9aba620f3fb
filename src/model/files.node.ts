/** A model as a folder on disk: `config.json` and `model.safetensors` (see model.ts). */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fail } from '../errors.js';
import { writeFileAtomic } from '../io/atomic.node.js';
import { readFileAligned } from '../io/read.node.js';
import { decodeModel, encodeModel, MODEL_FILES, type Model } from './model.js';
import type { Params } from './params.js';
import { decodeSafetensors, encodeSafetensors } from './safetensors.js';

export function saveModel(dir: string, model: Model): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    fail('NOT_FOUND', `cannot create the model folder (${(e as NodeJS.ErrnoException).code ?? String(e)})`, dir);
  }
  const files = encodeModel(model);
  writeFileAtomic(join(dir, MODEL_FILES.weights), files.weights);
  writeFileAtomic(join(dir, MODEL_FILES.config), [new TextEncoder().encode(files.config)]);
}

export function loadModel(dir: string): Model {
  const configPath = join(dir, MODEL_FILES.config);
  let raw: string;
  try {
    raw = readFileSync(configPath, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    fail('NOT_FOUND', code === 'ENOENT' ? `no model here (${MODEL_FILES.config} is missing)` : `cannot read (${code})`, code === 'ENOENT' ? dir : configPath);
  }
  const weightsPath = join(dir, MODEL_FILES.weights);
  return decodeModel(raw, readFileAligned(weightsPath), { config: configPath, weights: weightsPath });
}

export function writeSafetensors(path: string, tensors: Params, metadata: Record<string, string> = {}): void {
  writeFileAtomic(path, encodeSafetensors(tensors, metadata));
}

export function readSafetensors(path: string): { tensors: Params; metadata: Record<string, string> } {
  return decodeSafetensors(readFileAligned(path), path);
}
