/**
 * A model on disk: a folder with `model.safetensors` (the parameters, seed names) and
 * `config.json` (architecture, feature normalisation, subgraph settings, provenance, metrics).
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fail } from '../errors.js';
import { writeFileAtomic } from '../io/atomic.js';
import { IPS_TEST_DEFAULTS, type IpsOptions } from '../ips/index.js';
import { checkParams, type Architecture, type Params } from './params.js';
import { readSafetensors, writeSafetensors } from './safetensors.js';

export interface ModelConfig {
  format: 'facecluster-lgcn';
  version: 1;
  architecture: Architecture;
  /** How features are prepared before subgraphs are cut: 'l2' scales rows to unit length. */
  normalize: 'l2' | 'none';
  /** Subgraph settings the model was trained at, where known (an imported checkpoint does not say). */
  trainIps?: IpsOptions;
  /** Default subgraph settings at inference. */
  ips: IpsOptions;
  /** Free-form provenance: data, settings, time, metrics at the end of training. */
  training?: Record<string, unknown>;
}

export interface Model {
  params: Params;
  config: ModelConfig;
}

export const MODEL_FILES = Object.freeze({ weights: 'model.safetensors', config: 'config.json' });

export function saveModel(dir: string, model: Model): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    fail('NOT_FOUND', `cannot create the model folder (${(e as NodeJS.ErrnoException).code ?? String(e)})`, dir);
  }
  writeSafetensors(join(dir, MODEL_FILES.weights), model.params, { format: 'facecluster-lgcn' });
  writeFileAtomic(join(dir, MODEL_FILES.config), [new TextEncoder().encode(JSON.stringify(model.config, null, 2) + '\n')]);
}

function isIps(x: unknown): x is IpsOptions {
  const o = x as IpsOptions;
  return typeof o === 'object' && o !== null && [o.k1, o.k2, o.u].every((v) => Number.isInteger(v) && v > 0);
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
  const config = parseModelConfig(raw, configPath);
  const weightsPath = join(dir, MODEL_FILES.weights);
  const { tensors } = readSafetensors(weightsPath);
  const arch = checkParams(tensors, weightsPath);
  const a = config.architecture;
  if (!a || a.dim !== arch.dim || a.hidden !== arch.hidden || a.widths?.join() !== arch.widths.join()) {
    fail('BAD_FILE', `architecture in ${MODEL_FILES.config} does not match the weights (D = ${arch.dim}, widths ${arch.widths.join('→')})`, configPath);
  }
  return { params: tensors, config };
}

/** A model's config.json, checked field by field (the weights are checked against it by loadModel). */
export function parseModelConfig(raw: string, configPath: string): ModelConfig {
  let config: ModelConfig;
  try {
    config = JSON.parse(raw);
  } catch {
    fail('BAD_FILE', 'not valid JSON', configPath);
  }
  if (typeof config !== 'object' || config === null) fail('BAD_FILE', 'not a JSON object', configPath);
  if (config.format !== 'facecluster-lgcn') fail('BAD_FILE', `not a facecluster model config (format is ${JSON.stringify(config?.format)})`, configPath);
  if (config.normalize !== 'l2' && config.normalize !== 'none') fail('BAD_FILE', `normalize must be "l2" or "none"`, configPath);
  if (!isIps(config.ips)) config.ips = { ...IPS_TEST_DEFAULTS };
  if (config.trainIps !== undefined && !isIps(config.trainIps)) fail('BAD_FILE', 'trainIps must hold positive integers k1, k2, u', configPath);
  const a = config.architecture as Partial<ModelConfig['architecture']> | undefined;
  if (typeof a !== 'object' || a === null || !Number.isInteger(a.dim) || !Number.isInteger(a.hidden) || !Array.isArray(a.widths) || !a.widths.every((w) => Number.isInteger(w) && w > 0)) {
    fail('BAD_FILE', 'architecture must hold integers dim and hidden and a list of positive widths', configPath);
  }
  return config;
}
