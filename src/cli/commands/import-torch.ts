import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fail } from '../../errors.js';
import { readFileAligned } from '../../io/read.node.js';
import { decodeTorchCheckpoint } from '../../io/torch.js';
import { IPS_TEST_DEFAULTS } from '../../ips/index.js';
import { saveModel } from '../../model/files.node.js';
import { MODEL_FILES } from '../../model/model.js';
import { paramsFromTorch } from '../../model/import-torch.js';
import { defineCommand, defineOptions, type OptionValues } from '../args.js';

const IMPORT_TORCH_OPTIONS = defineOptions({
  out: { type: 'string', help: 'model folder to create', required: true },
  normalize: { type: 'string', choices: ['none', 'l2'], default: 'none', help: 'feature preparation the model expects (the seed: none)' },
  'k-at-hop': { type: 'integers', count: 2, min: 1, default: [IPS_TEST_DEFAULTS.k1, IPS_TEST_DEFAULTS.k2], help: 'inference hop-1 and hop-2 neighbours' },
  'active-connection': { type: 'integer', min: 1, default: IPS_TEST_DEFAULTS.u, help: 'inference active connections u' },
});

export const importTorchCommand = defineCommand({
  name: 'import-torch',
  summary: "turn the seed's PyTorch checkpoint (zip or legacy torch.save) into a facecluster model",
  usage: 'import-torch CKPT --out MODEL_DIR [--normalize none|l2] [--k-at-hop 80 5] [--active-connection 5]',
  positionals: 'CKPT: best.ckpt or any torch.save of the seed model (a state dict, bare or under "state_dict")',
  options: IMPORT_TORCH_OPTIONS,
}, runImportTorch);

function runImportTorch(o: OptionValues<typeof IMPORT_TORCH_OPTIONS>, positionals: string[]): void {
  if (positionals.length !== 1) fail('BAD_OPTION', "import-torch takes one checkpoint file (see 'facecluster import-torch --help')");
  const ckpt = positionals[0]!;
  const dir = o.out;
  if (existsSync(join(dir, MODEL_FILES.config))) fail('BAD_OPTION', 'a model is already here; choose another --out', dir);
  const { params, architecture } = paramsFromTorch(decodeTorchCheckpoint(readFileAligned(ckpt), ckpt), ckpt);
  const hops = o['k-at-hop'];
  saveModel(dir, {
    params,
    config: {
      format: 'facecluster-lgcn', version: 1, architecture, normalize: o.normalize,
      // a state dict does not say how it was trained: no training settings are recorded
      ips: { k1: hops[0]!, k2: hops[1]!, u: o['active-connection'] },
      training: { importedFrom: basename(ckpt) },
    },
  });
}
