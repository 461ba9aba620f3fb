/**
 * What the GCN uses in a browser when the caller gives nothing (package.json maps `#defaults`
 * here; Node's are in defaults.node.ts): no model (the page fetches one), scoring in this thread.
 */
import { fail } from '../errors.js';
import type { Model } from '../model/model.js';
import type { LinkScorer } from './cluster.js';

export function defaultModel(): Model {
  return fail('BAD_OPTION', 'the GCN needs a model in a browser: fetchModel(url)');
}

export function defaultLinkScorer(_model: Model, _workers?: number): LinkScorer | undefined {
  return undefined;
}
