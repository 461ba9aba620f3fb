/**
 * A model: the parameters (`model.safetensors`, seed names) and `config.json` (architecture,
 * feature normalisation, subgraph settings, provenance, metrics), decoded from bytes, so that a
 * browser can load one from a URL (fetchModel) and Node from a folder (files.node.ts).
 */
import { parseJson } from '../io/json.js';
import { fail } from '../errors.js';
import { IPS_TEST_DEFAULTS, type IpsOptions } from '../ips/index.js';
import { checkParams, type Architecture, type Params } from './params.js';
import { decodeSafetensors, encodeSafetensors } from './safetensors.js';

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

function isIps(x: unknown): x is IpsOptions {
  const o = x as IpsOptions;
  return typeof o === 'object' && o !== null && [o.k1, o.k2, o.u].every((v) => Number.isInteger(v) && v > 0);
}

/**
 * A model from its two files' contents; `names` say where they came from, for error messages.
 * The weights must match the architecture the config states.
 */
export function decodeModel(configText: string, weights: Uint8Array, names: { config: string; weights: string } = MODEL_FILES): Model {
  const config = parseModelConfig(configText, names.config);
  const { tensors } = decodeSafetensors(weights, names.weights);
  const arch = checkParams(tensors, names.weights);
  const a = config.architecture;
  if (!a || a.dim !== arch.dim || a.hidden !== arch.hidden || a.widths?.join() !== arch.widths.join()) {
    fail('BAD_FILE', `architecture in ${MODEL_FILES.config} does not match the weights (D = ${arch.dim}, widths ${arch.widths.join('→')})`, names.config);
  }
  return { params: tensors, config };
}

/** The two files of a model: config.json's text and model.safetensors's chunks. */
export function encodeModel(model: Model): { config: string; weights: Uint8Array[] } {
  return { config: `${JSON.stringify(model.config, null, 2)}\n`, weights: encodeSafetensors(model.params, { format: 'facecluster-lgcn' }) };
}

/** A model served at `url` (a folder: `url`/config.json and `url`/model.safetensors), with fetch. */
export async function fetchModel(url: string | URL): Promise<Model> {
  const base = new URL(String(url).endsWith('/') ? String(url) : `${url}/`, (globalThis as { location?: { href: string } }).location?.href);
  const get = async (name: string) => {
    const address = new URL(name, base).href;
    let response: Response;
    try {
      response = await fetch(address);
    } catch (e) {
      fail('FAILED', `cannot fetch (${(e as Error).message})`, address);
    }
    if (!response.ok) fail('NOT_FOUND', `cannot fetch (HTTP ${response.status})`, address);
    return { address, bytes: new Uint8Array(await response.arrayBuffer()) };
  };
  const [config, weights] = await Promise.all([get(MODEL_FILES.config), get(MODEL_FILES.weights)]);
  return decodeModel(new TextDecoder().decode(config.bytes), weights.bytes, { config: config.address, weights: weights.address });
}

/** A model's config.json, checked field by field (the weights are checked against it by decodeModel). */
export function parseModelConfig(raw: string, configPath: string): ModelConfig {
  const config = parseJson(raw, configPath) as ModelConfig;
  if (typeof config !== 'object' || config === null) fail('BAD_FILE', 'not a JSON object', configPath);
  if (config.format !== 'facecluster-lgcn') fail('BAD_FILE', `not a facecluster model config (format is ${JSON.stringify(config?.format)})`, configPath);
  if (config.normalize !== 'l2' && config.normalize !== 'none') fail('BAD_FILE', `normalize must be "l2" or "none"`, configPath);
  if (!isIps(config.ips)) config.ips = { ...IPS_TEST_DEFAULTS };
  if (config.trainIps !== undefined && !isIps(config.trainIps)) fail('BAD_FILE', 'trainIps must hold positive integers k1, k2, u', configPath);
  const a = config.architecture as Partial<ModelConfig['architecture']> | undefined;
  if (typeof a !== 'object' || a === null || !Number.isInteger(a.dim) || !Number.isInteger(a.hidden)
    || !Array.isArray(a.widths) || !a.widths.every((w) => Number.isInteger(w) && w > 0)) {
    fail('BAD_FILE', 'architecture must hold integers dim and hidden and a list of positive widths', configPath);
  }
  return config;
}
