/**
 * Faces from photos: detection (SSD MobileNet v1), 68 landmarks and 128-d descriptors (the
 * ResNet-34 recognition net) from @vladmandic/face-api, whose weights ship inside the package,
 * on TensorFlow.js's WebAssembly backend (its native backend does not install everywhere).
 * Images are decoded in plain JavaScript (jpeg-js, pngjs). A photo that is already a tight
 * face crop (a small, square image, as aligned face data sets ship: 112×112) in which the
 * detector finds nothing is described whole.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type * as Tf from '@tensorflow/tfjs';
import type * as FaceApi from '@vladmandic/face-api';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { fail } from '../errors.js';
import type { FaceRecord } from '../io/faces.js';

const require = createRequire(import.meta.url);

export interface DecodedImage {
  width: number;
  height: number;
  /** RGB, row-major, 3 bytes a pixel. */
  rgb: Uint8Array;
}

export const IMAGE_EXTENSIONS = ['.jpg', '.jpeg', '.png'];

/** Decodes a JPEG or PNG file's bytes; throws a FaceclusterError naming `file` otherwise. */
export function decodeImage(bytes: Uint8Array, file: string): DecodedImage {
  const isJpeg = bytes[0] === 0xff && bytes[1] === 0xd8;
  const isPng = bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47;
  try {
    if (isJpeg) {
      const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: false, maxMemoryUsageInMB: 512 });
      return { width: img.width, height: img.height, rgb: img.data };
    }
    if (isPng) {
      const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      const rgb = new Uint8Array(png.width * png.height * 3);
      for (let i = 0, j = 0; i < rgb.length; i += 3, j += 4) {
        rgb[i] = png.data[j]!;
        rgb[i + 1] = png.data[j + 1]!;
        rgb[i + 2] = png.data[j + 2]!;
      }
      return { width: png.width, height: png.height, rgb };
    }
  } catch (e) {
    fail('BAD_FILE', `not a readable image: ${(e as Error).message}`, file);
  }
  fail('BAD_FILE', 'not a JPEG or PNG image', file);
}

export interface EmbeddedFace extends FaceRecord {
  descriptor: Float32Array;
}

export interface EmbedOptions {
  /** Detections scoring less are dropped (default 0.5). */
  minScore?: number;
  /** Images at most this wide and tall, and nearly square, count as tight crops (default 160). */
  cropSize?: number;
}

export const MODEL_NAME = 'face-api ssd-mobilenet-v1 + face-landmark-68 + face-recognition (ResNet-34, 128-d)';

/** One loaded detector and descriptor network; make it with `create`, reuse it for every image. */
export class FaceEmbedder {
  private constructor(private readonly api: typeof FaceApi, private readonly tf: typeof Tf, private readonly options: Required<EmbedOptions>) {}

  static async create(options: EmbedOptions = {}): Promise<FaceEmbedder> {
    const tf = require('@tensorflow/tfjs') as typeof Tf;
    const wasm = require('@tensorflow/tfjs-backend-wasm') as { setWasmPaths: (p: string) => void };
    const api = require('@vladmandic/face-api/dist/face-api.node-wasm.js') as typeof FaceApi;
    wasm.setWasmPaths(dirname(require.resolve('@tensorflow/tfjs-backend-wasm')) + '/');
    await tf.setBackend('wasm');
    await tf.ready();
    const models = join(dirname(require.resolve('@vladmandic/face-api/package.json')), 'model');
    await api.nets.ssdMobilenetv1.loadFromDisk(models);
    await api.nets.faceLandmark68Net.loadFromDisk(models);
    await api.nets.faceRecognitionNet.loadFromDisk(models);
    return new FaceEmbedder(api, tf, { minScore: options.minScore ?? 0.5, cropSize: options.cropSize ?? 160 });
  }

  /** Every face found in one image, largest first; `image` is recorded as given. */
  async embed(img: DecodedImage, image: string): Promise<EmbeddedFace[]> {
    const { api, tf } = this;
    const input = tf.tensor3d(img.rgb, [img.height, img.width, 3], 'int32');
    try {
      const found = await api.detectAllFaces(input as never, new api.SsdMobilenetv1Options({ minConfidence: this.options.minScore })).withFaceLandmarks().withFaceDescriptors();
      const faces: EmbeddedFace[] = found.map((d) => ({
        image,
        box: [d.detection.box.x, d.detection.box.y, d.detection.box.width, d.detection.box.height].map((v) => Math.round(v * 10) / 10),
        landmarks: d.landmarks.positions.map((p) => [Math.round(p.x * 10) / 10, Math.round(p.y * 10) / 10]),
        score: Math.round(d.detection.score * 1e4) / 1e4,
        model: MODEL_NAME,
        descriptor: Float32Array.from(d.descriptor),
      }));
      faces.sort((a, b) => b.box![2]! * b.box![3]! - a.box![2]! * a.box![3]!);
      const { cropSize } = this.options;
      if (faces.length === 0 && img.width <= cropSize && img.height <= cropSize && Math.abs(img.width - img.height) <= 0.2 * Math.max(img.width, img.height)) {
        // a tight crop: the whole image is the face
        const descriptor = await api.computeFaceDescriptor(input as never);
        faces.push({ image, box: [0, 0, img.width, img.height], landmarks: [], score: 0, model: `${MODEL_NAME}, whole image as a face crop`, descriptor: Float32Array.from(descriptor as Float32Array) });
      }
      return faces;
    } finally {
      input.dispose();
    }
  }
}
