/**
 * A minimal writer for ONNX models (protobuf wire format), enough to describe small graphs of
 * standard operators. Field numbers are those of onnx/onnx.proto (IR version 8); only writing is
 * needed, so a protobuf library and the full schema would be dead weight.
 */

export enum ElemType { FLOAT = 1, INT32 = 6, INT64 = 7, DOUBLE = 11 }

export type Dim = number | string;

export interface ValueInfo {
  name: string;
  type: ElemType;
  dims: Dim[];
}

export type Attr =
  | { kind: 'int'; value: number }
  | { kind: 'ints'; value: number[] }
  | { kind: 'float'; value: number }
  | { kind: 'floats'; value: number[] };

export interface OnnxNode {
  op: string;
  inputs: string[];
  outputs: string[];
  attrs?: { [name: string]: Attr | undefined };
}

export interface Initializer {
  name: string;
  dims: number[];
  data: Float32Array | Int32Array | BigInt64Array;
}

export interface OnnxGraph {
  name: string;
  inputs: ValueInfo[];
  outputs: ValueInfo[];
  nodes: OnnxNode[];
  initializers?: Initializer[];
  opset?: number;
}

/** Accumulates one protobuf message. */
class Writer {
  private parts: Uint8Array[] = [];
  private size = 0;

  private push(b: Uint8Array): void {
    this.parts.push(b);
    this.size += b.length;
  }

  private varint(v: number | bigint): void {
    // negative int64 values are encoded as their 64-bit two's complement (10 bytes)
    let x = BigInt.asUintN(64, BigInt(v));
    const out: number[] = [];
    do {
      let byte = Number(x & 0x7fn);
      x >>= 7n;
      if (x !== 0n) byte |= 0x80;
      out.push(byte);
    } while (x !== 0n);
    this.push(Uint8Array.from(out));
  }

  private tag(field: number, wire: number): void {
    this.varint((field << 3) | wire);
  }

  int(field: number, v: number): this {
    this.tag(field, 0);
    this.varint(v);
    return this;
  }

  float(field: number, v: number): this {
    this.tag(field, 5);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, v, true);
    this.push(b);
    return this;
  }

  bytes(field: number, b: Uint8Array): this {
    this.tag(field, 2);
    this.varint(b.length);
    this.push(b);
    return this;
  }

  string(field: number, s: string): this {
    return this.bytes(field, new TextEncoder().encode(s));
  }

  message(field: number, w: Writer): this {
    return this.bytes(field, w.finish());
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.size);
    let off = 0;
    for (const p of this.parts) {
      out.set(p, off);
      off += p.length;
    }
    return out;
  }
}

function valueInfo(v: ValueInfo): Writer {
  const shape = new Writer();
  for (const d of v.dims) shape.message(1, typeof d === 'number' ? new Writer().int(1, d) : new Writer().string(2, d));
  const tensorType = new Writer().int(1, v.type).message(2, shape);
  return new Writer().string(1, v.name).message(2, new Writer().message(1, tensorType));
}

function attribute(name: string, a: Attr): Writer {
  const w = new Writer().string(1, name);
  switch (a.kind) {
    case 'float': return w.float(2, a.value).int(20, 1);
    case 'int': return w.int(3, a.value).int(20, 2);
    case 'floats': a.value.forEach((x) => { w.float(7, x); }); return w.int(20, 6);
    case 'ints': a.value.forEach((x) => { w.int(8, x); }); return w.int(20, 7);
  }
}

function tensor(t: Initializer): Writer {
  const w = new Writer();
  t.dims.forEach((d) => { w.int(1, d); });
  const type = t.data instanceof Float32Array ? ElemType.FLOAT : t.data instanceof Int32Array ? ElemType.INT32 : ElemType.INT64;
  w.int(2, type).string(8, t.name);
  return w.bytes(9, new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
}

/** Serialises a graph as an ONNX ModelProto. */
export function encodeModel(g: OnnxGraph): Uint8Array {
  const graph = new Writer();
  g.nodes.forEach((n, i) => {
    const node = new Writer();
    n.inputs.forEach((x) => { node.string(1, x); });
    n.outputs.forEach((x) => { node.string(2, x); });
    node.string(3, `${n.op}_${i}`).string(4, n.op);
    for (const [k, a] of Object.entries(n.attrs ?? {})) if (a) node.message(5, attribute(k, a));
    graph.message(1, node);
  });
  graph.string(2, g.name);
  (g.initializers ?? []).forEach((t) => { graph.message(5, tensor(t)); });
  g.inputs.forEach((v) => { graph.message(11, valueInfo(v)); });
  g.outputs.forEach((v) => { graph.message(12, valueInfo(v)); });
  return new Writer()
    .int(1, 8) // ir_version
    .string(2, 'facecluster')
    .message(7, graph)
    .message(8, new Writer().string(1, '').int(2, g.opset ?? 17))
    .finish();
}

export const intAttr = (value: number): Attr => ({ kind: 'int', value });
