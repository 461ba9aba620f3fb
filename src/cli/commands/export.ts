import { writeFileAtomic } from '../../io/index.js';
import { exportOnnx } from '../../model/export-onnx.js';
import { loadModel } from '../../model/files.node.js';
import { fail } from '../../errors.js';
import { DEFAULT_MODEL_DIR } from '../../pipeline/defaults.node.js';
import { defineCommand, defineOptions, type OptionValues } from '../args.js';

const EXPORT_OPTIONS = defineOptions({
  model: { type: 'string', help: 'model folder (default: the shipped model)' },
  out: { type: 'string', help: 'the ONNX file (inputs features, adjacency, hop1; outputs scores, logits: see the README)', required: true },
});

export const exportCommand = defineCommand({
  name: 'export',
  summary: 'write a model as ONNX, to run one subgraph in onnxruntime (web, Python)',
  usage: 'export [--model MODEL_DIR] --out MODEL.onnx',
  options: EXPORT_OPTIONS,
}, runExport);

function runExport(o: OptionValues<typeof EXPORT_OPTIONS>): void {
  const out = o.out;
  if (!out.toLowerCase().endsWith('.onnx')) fail('UNSUPPORTED', 'the exported model is written as .onnx', out);
  const model = loadModel(o.model ?? DEFAULT_MODEL_DIR);
  writeFileAtomic(out, [exportOnnx(model.params)]);
}
