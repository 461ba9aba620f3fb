import { writeFileAtomic } from '../../io/index.js';
import { exportOnnx } from '../../model/export-onnx.js';
import { loadModel } from '../../model/files.node.js';
import { fail } from '../../errors.js';
import { DEFAULT_MODEL_DIR } from '../../pipeline/defaults.node.js';
import type { CommandSpec, ParsedOptions } from '../args.js';

export const exportCommand: CommandSpec = {
  name: 'export',
  summary: 'write a model as ONNX, to run one subgraph in onnxruntime (web, Python)',
  usage: 'export [--model MODEL_DIR] --out MODEL.onnx',
  options: {
    model: { type: 'string', help: 'model folder (default: the shipped model)' },
    out: { type: 'string', help: 'the ONNX file (inputs features, adjacency, hop1; outputs scores, logits: see the README)', required: true },
  },
};

export function runExport(o: ParsedOptions): void {
  const out = o.out as string;
  if (!out.toLowerCase().endsWith('.onnx')) fail('UNSUPPORTED', 'the exported model is written as .onnx', out);
  const model = loadModel((o.model as string | undefined) ?? DEFAULT_MODEL_DIR);
  writeFileAtomic(out, [exportOnnx(model.params)]);
}
