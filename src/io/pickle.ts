/**
 * A restricted Python unpickler (protocols 0–5, the opcodes torch.save writes), enough to read
 * PyTorch checkpoints without Python. Nothing is ever executed: a global is only a name, and
 * calling one (REDUCE, NEWOBJ) goes through `options.reduce`, which knows the few constructors
 * a checkpoint needs; any other call yields an opaque PyObject. Every opcode consumes input, so
 * the work and memory are bounded by the file's size.
 */
import { fail } from '../errors.js';

export interface PyGlobal { kind: 'global'; module: string; name: string }
export interface PyObject { kind: 'object'; type: PyGlobal; args: unknown[]; state?: unknown }
export type PyValue = unknown;

export interface UnpickleOptions {
  /** Resolves BINPERSID / PERSID ids (torch: storages). */
  persistentLoad?: (pid: PyValue) => PyValue;
  /** Builds the value of `callable(*args)` for the globals it knows; undefined for the rest. */
  reduce?: (callable: PyGlobal, args: PyValue[]) => PyValue | undefined;
  file?: string;
}

const MARK = Symbol('mark');

export function isGlobal(x: unknown, module: string, name: string): boolean {
  return typeof x === 'object' && x !== null && (x as PyGlobal).kind === 'global' && (x as PyGlobal).module === module && (x as PyGlobal).name === name;
}

/** Unpickles one object starting at `start`; returns it and the offset after its STOP. */
export function unpickle(buf: Uint8Array, start: number, options: UnpickleOptions = {}): { value: PyValue; end: number } {
  const file = options.file;
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const stack: unknown[] = [];
  const memo = new Map<number, unknown>();
  let pos = start;
  const bad = (why: string): never => fail('BAD_FILE', `not a readable pickle: ${why} at byte ${pos}`, file);
  const need = (n: number) => {
    if (pos + n > buf.length) bad('truncated');
  };
  const u8 = () => { need(1); return buf[pos++]!; };
  const u16 = () => { need(2); const v = dv.getUint16(pos, true); pos += 2; return v; };
  const u32 = () => { need(4); const v = dv.getUint32(pos, true); pos += 4; return v; };
  const i32 = () => { need(4); const v = dv.getInt32(pos, true); pos += 4; return v; };
  const u64 = () => { need(8); const v = dv.getBigUint64(pos, true); pos += 8; if (v > BigInt(buf.length)) bad('length beyond the file'); return Number(v); };
  const bytes = (n: number) => { need(n); const b = buf.subarray(pos, pos + n); pos += n; return b; };
  const utf8 = (n: number) => new TextDecoder().decode(bytes(n));
  const line = () => {
    const end = buf.indexOf(0x0a, pos);
    if (end < 0) bad('unterminated line');
    const s = new TextDecoder('latin1').decode(buf.subarray(pos, end));
    pos = end + 1;
    return s;
  };
  const pop = () => (stack.length === 0 ? bad('stack underflow') : stack.pop());
  const popMark = (): unknown[] => {
    const at = stack.lastIndexOf(MARK);
    if (at < 0) bad('no mark');
    const items = stack.splice(at);
    items.shift();
    return items;
  };
  const top = () => (stack.length === 0 ? bad('stack underflow') : stack[stack.length - 1]);
  const long = (b: Uint8Array) => {
    // little-endian two's complement of any length
    let v = 0n;
    for (let i = b.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]!);
    if (b.length > 0 && b[b.length - 1]! & 0x80) v -= 1n << BigInt(8 * b.length);
    return Number.isSafeInteger(Number(v)) ? Number(v) : v;
  };
  const call = (callable: unknown, rawArgs: unknown): unknown => {
    if (!Array.isArray(rawArgs)) bad('call arguments are not a tuple');
    const args = rawArgs as unknown[];
    const g = callable as PyGlobal;
    if (typeof g !== 'object' || g === null || g.kind !== 'global') return { kind: 'object', type: { kind: 'global', module: '?', name: '?' }, args } satisfies PyObject;
    return options.reduce?.(g, args) ?? ({ kind: 'object', type: g, args } satisfies PyObject);
  };
  const setItems = (d: unknown, items: unknown[]) => {
    if (!(d instanceof Map)) bad('SETITEMS on a non-dict');
    for (let i = 0; i + 1 < items.length; i += 2) (d as Map<unknown, unknown>).set(items[i], items[i + 1]);
  };
  const append = (l: unknown, items: unknown[]) => {
    if (!Array.isArray(l) || Object.isFrozen(l)) bad('APPEND on a non-list');
    for (const x of items) (l as unknown[]).push(x);
  };

  for (;;) {
    const op = u8();
    switch (op) {
      case 0x80: u8(); break; // PROTO
      case 0x95: u64(); break; // FRAME: a length hint only
      case 0x2e: return { value: pop(), end: pos }; // STOP
      case 0x28: stack.push(MARK); break; // MARK
      case 0x4e: stack.push(null); break; // NONE
      case 0x88: stack.push(true); break; // NEWTRUE
      case 0x89: stack.push(false); break; // NEWFALSE
      case 0x4a: stack.push(i32()); break; // BININT
      case 0x4b: stack.push(u8()); break; // BININT1
      case 0x4d: stack.push(u16()); break; // BININT2
      case 0x8a: stack.push(long(bytes(u8()))); break; // LONG1
      case 0x8b: { const n = i32(); if (n < 0) bad('negative length'); stack.push(long(bytes(n))); break; } // LONG4
      case 0x49: { const s = line(); stack.push(s === '01' ? true : s === '00' ? false : Number(s)); break; } // INT
      case 0x4c: stack.push(Number(line().replace(/L$/, ''))); break; // LONG
      case 0x47: { need(8); stack.push(dv.getFloat64(pos, false)); pos += 8; break; } // BINFLOAT
      case 0x46: stack.push(Number(line())); break; // FLOAT
      case 0x58: stack.push(utf8(u32())); break; // BINUNICODE
      case 0x8c: stack.push(utf8(u8())); break; // SHORT_BINUNICODE
      case 0x8d: stack.push(utf8(u64())); break; // BINUNICODE8
      case 0x56: stack.push(line()); break; // UNICODE (raw-unicode-escape; ASCII in practice)
      case 0x54: { const n = i32(); if (n < 0) bad('negative length'); stack.push(new TextDecoder('latin1').decode(bytes(n))); break; } // BINSTRING
      case 0x55: stack.push(new TextDecoder('latin1').decode(bytes(u8()))); break; // SHORT_BINSTRING
      case 0x53: stack.push(line().replace(/^['"]|['"]$/g, '')); break; // STRING
      case 0x42: stack.push(bytes(u32()).slice()); break; // BINBYTES
      case 0x43: stack.push(bytes(u8()).slice()); break; // SHORT_BINBYTES
      case 0x8e: stack.push(bytes(u64()).slice()); break; // BINBYTES8
      case 0x96: stack.push(bytes(u64()).slice()); break; // BYTEARRAY8
      case 0x7d: stack.push(new Map()); break; // EMPTY_DICT
      case 0x5d: stack.push([]); break; // EMPTY_LIST
      case 0x29: stack.push(Object.freeze([])); break; // EMPTY_TUPLE
      case 0x8f: stack.push(new Set()); break; // EMPTY_SET
      case 0x85: stack.push(Object.freeze([pop()])); break; // TUPLE1
      case 0x86: { const b = pop(), a = pop(); stack.push(Object.freeze([a, b])); break; } // TUPLE2
      case 0x87: { const c = pop(), b = pop(), a = pop(); stack.push(Object.freeze([a, b, c])); break; } // TUPLE3
      case 0x74: stack.push(Object.freeze(popMark())); break; // TUPLE
      case 0x6c: stack.push(popMark()); break; // LIST
      case 0x64: { const d = new Map(); setItems(d, popMark()); stack.push(d); break; } // DICT
      case 0x91: stack.push(new Set(popMark())); break; // FROZENSET
      case 0x90: { const items = popMark(); const s = top(); if (!(s instanceof Set)) bad('ADDITEMS on a non-set'); for (const x of items) (s as Set<unknown>).add(x); break; } // ADDITEMS
      case 0x61: { const x = pop(); append(top(), [x]); break; } // APPEND
      case 0x65: { const items = popMark(); append(top(), items); break; } // APPENDS
      case 0x73: { const v = pop(), k = pop(); setItems(top(), [k, v]); break; } // SETITEM
      case 0x75: { const items = popMark(); setItems(top(), items); break; } // SETITEMS
      case 0x70: memo.set(Number(line()), top()); break; // PUT
      case 0x71: memo.set(u8(), top()); break; // BINPUT
      case 0x72: memo.set(u32(), top()); break; // LONG_BINPUT
      case 0x94: memo.set(memo.size, top()); break; // MEMOIZE
      case 0x67: case 0x68: case 0x6a: { // GET, BINGET, LONG_BINGET
        const key = op === 0x67 ? Number(line()) : op === 0x68 ? u8() : u32();
        if (!memo.has(key)) bad(`memo ${key} is not set`);
        stack.push(memo.get(key));
        break;
      }
      case 0x63: { const module = line(), name = line(); stack.push({ kind: 'global', module, name } satisfies PyGlobal); break; } // GLOBAL
      case 0x93: { const name = pop(),
        module = pop(); if (typeof name !== 'string' || typeof module !== 'string') bad('STACK_GLOBAL needs two strings'); stack.push({ kind: 'global', module,
        name } as PyGlobal); break; }
      case 0x52: { const args = pop(); stack.push(call(pop(), args)); break; } // REDUCE
      case 0x81: { const args = pop(); stack.push(call(pop(), args)); break; } // NEWOBJ
      case 0x92: { pop(); const args = pop(); stack.push(call(pop(), args)); break; } // NEWOBJ_EX (kwargs dropped)
      case 0x62: { // BUILD: state for an object; a dict's state (OrderedDict) is ignored
        const state = pop();
        const obj = top() as PyObject;
        if (typeof obj === 'object' && obj !== null && (obj as PyObject).kind === 'object') obj.state = state;
        break;
      }
      case 0x51: { const pid = pop(); stack.push(options.persistentLoad ? options.persistentLoad(pid) : bad('persistent id without a loader')); break; } // BINPERSID
      case 0x50: { const pid = line(); stack.push(options.persistentLoad ? options.persistentLoad(pid) : bad('persistent id without a loader')); break; } // PERSID
      case 0x30: pop(); break; // POP
      case 0x31: popMark(); break; // POP_MARK
      case 0x32: stack.push(top()); break; // DUP
      default: bad(`unsupported opcode 0x${op.toString(16)}`);
    }
  }
}
