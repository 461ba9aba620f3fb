/**
 * The L-GCN as a standalone ONNX model for one subgraph, to run where facecluster does not:
 * onnxruntime-web in a browser, onnxruntime in Python. It is the seed's forward pass with a
 * dense adjacency (one subgraph is small), weights as initializers:
 *   inputs  features  float32 [n, D]  node features minus the pivot's, pivot first (after the
 *                                     model's normalisation: L2 when config.normalize is "l2")
 *           adjacency float32 [n, n]  row-normalised A (D⁻¹A); rows may be zero-padded
 *           hop1      int64   [k]     positions of the hop-1 nodes in `features`
 *   outputs scores    float32 [k]     probability that each hop-1 node is the pivot's identity
 *           logits    float32 [k, 2]
 */
import { ElemType, encodeModel, intAttr, type Initializer, type OnnxNode } from '../engine/onnx-proto.js';
import { architectureOf, BN_EPS, getParam, type Params } from './params.js';

export const ONNX_EXPORT_OPSET = 17;

export function exportOnnx(params: Params): Uint8Array {
  const { dim, widths } = architectureOf(params);
  const initializers: Initializer[] = [];
  const init = (name: string, dims: number[], data: Float32Array | BigInt64Array) => {
    initializers.push({ name, dims, data });
    return name;
  };
  const tensor = (name: string) => {
    const p = params.get(name)!;
    return init(name, p.shape, p.data);
  };
  const variance = getParam(params, 'bn0.running_var');
  const nodes: OnnxNode[] = [
    { op: 'Sub', inputs: ['features', tensor('bn0.running_mean')], outputs: ['centred'] },
    { op: 'Mul', inputs: ['centred', init('bn0.inv_std', [dim], variance.map((v) => 1 / Math.sqrt(v + BN_EPS)))], outputs: ['h0'] },
  ];
  for (let l = 0; l < widths.length; l++) {
    const h = `h${l}`, c = `conv${l + 1}`;
    nodes.push(
      { op: 'MatMul', inputs: ['adjacency', h], outputs: [`${c}.ah`] },
      { op: 'Concat', inputs: [h, `${c}.ah`], outputs: [`${c}.z`], attrs: { axis: intAttr(1) } },
      { op: 'Gemm', inputs: [`${c}.z`, tensor(`${c}.weight`), tensor(`${c}.bias`)], outputs: [`${c}.pre`] },
      { op: 'Relu', inputs: [`${c}.pre`], outputs: [`h${l + 1}`] },
    );
  }
  nodes.push(
    { op: 'Gather', inputs: [`h${widths.length}`, 'hop1'], outputs: ['edges'], attrs: { axis: intAttr(0) } },
    { op: 'Gemm', inputs: ['edges', tensor('classifier.0.weight'), tensor('classifier.0.bias')], outputs: ['p'], attrs: { transB: intAttr(1) } },
    { op: 'PRelu', inputs: ['p', tensor('classifier.1.weight')], outputs: ['q'] },
    { op: 'Gemm', inputs: ['q', tensor('classifier.2.weight'), tensor('classifier.2.bias')], outputs: ['logits'], attrs: { transB: intAttr(1) } },
    { op: 'Softmax', inputs: ['logits'], outputs: ['probabilities'], attrs: { axis: intAttr(1) } },
    { op: 'Gather', inputs: ['probabilities', init('same_identity', [], BigInt64Array.of(1n))], outputs: ['scores'], attrs: { axis: intAttr(1) } },
  );
  return encodeModel({
    name: 'lgcn',
    opset: ONNX_EXPORT_OPSET,
    inputs: [
      { name: 'features', type: ElemType.FLOAT, dims: ['n', dim] },
      { name: 'adjacency', type: ElemType.FLOAT, dims: ['n', 'n'] },
      { name: 'hop1', type: ElemType.INT64, dims: ['k'] },
    ],
    outputs: [
      { name: 'scores', type: ElemType.FLOAT, dims: ['k'] },
      { name: 'logits', type: ElemType.FLOAT, dims: ['k', 2] },
    ],
    nodes,
    initializers,
  });
}
