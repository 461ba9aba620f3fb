/**
 * Faces from pixels: detection (SSD MobileNet v1), 68 landmarks and 128-d descriptors (the
 * ResNet-34 recognition net) from @vladmandic/face-api on TensorFlow.js's WebAssembly backend.
 * A photo that is already a tight face crop (a small, square image, as aligned face data sets
 * ship: 112×112) is described as one face found by the landmark net (see describeCrop), where
 * it shows the evidence of a face (looksLikeFace); a noise, flat or background image does not.
 * Runs anywhere: the networks are handed in loaded (embedder.node.ts in Node, embedder.browser.ts in a browser).
 */
import type * as Tf from '@tensorflow/tfjs';
import type * as FaceApi from '@vladmandic/face-api';
import type { FaceRecord } from '../io/faces.js';
import { MIN_IMAGE_SIDE, type DecodedImage, type DecodedPhoto } from './image.js';
import { detectionWindows, mergeDetections, type Detection, type Window } from './tiles.js';

export interface EmbeddedFace extends FaceRecord {
  descriptor: Float32Array;
}

export interface EmbedOptions {
  /** Detections scoring less are dropped (default 0.5). */
  minScore?: number;
  /** Images at most this wide and tall, and nearly square, count as tight crops (default 160). */
  cropSize?: number;
  /**
   * Faces down to this many pixels high (in the full-size photo) are searched in windows of the
   * photo (tiles.ts), at the cost of one detector pass a window; by default one pass over the
   * whole photo finds faces down to about 1/20 of its longest side (200 pixels in 12 megapixels).
   */
  minFace?: number;
}

/** Pixel coordinates as faces.json keeps them: to a tenth. */
const tenth = (v: number) => Math.round(v * 10) / 10;

/** The mean of landmarks from…to−1 (36–41: one eye, 42–47: the other, 48–67: the mouth). */
function centreOf(points: [number, number][], from: number, to: number): [number, number] {
  let x = 0, y = 0;
  for (let i = from; i < to; i++) { x += points[i]![0]; y += points[i]![1]; }
  return [x / (to - from), y / (to - from)];
}

/** A face found on a decoded photo, its box and landmarks in the photo's full-size frame. */
function inFullFrame(face: EmbeddedFace, photo: DecodedPhoto): EmbeddedFace {
  const sx = photo.fullWidth / photo.width, sy = photo.fullHeight / photo.height;
  if (sx === 1 && sy === 1) return face;
  const [x, y, w, h] = face.box!;
  return {
    ...face,
    box: [tenth(x! * sx), tenth(y! * sy), tenth(w! * sx), tenth(h! * sy)],
    landmarks: face.landmarks!.map(([px, py]) => [tenth(px! * sx), tenth(py! * sy)]),
  };
}

/**
 * What a tight crop needs to count as a face (looksLikeFace): a detection this confident once
 * it is set in a grey canvas (four times its size: 99 % of 400 lfw-aligned crops 0.58 or more,
 * non-faces at most 0.12 but for a background corner holding part of another face, which the
 * filling and centring rule refuses), or landmarks that drift less than this fraction of the
 * eyes' distance when it is moved (crops: 99 % under 0.2; non-faces 0.21 or more).
 */
export const CROP_EVIDENCE = Object.freeze({ detectionScore: 0.3, landmarkDrift: 0.2 });

/** A detection's least score to count as a face; the largest square image taken as one face crop. */
export const EMBED_DEFAULTS = Object.freeze({ minScore: 0.5, cropSize: 160 });

/** face-api's networks the embedder runs, for the loaders (embedder.node.ts, embedder.browser.ts) to load. */
export const FACE_API_NETS = Object.freeze(['ssdMobilenetv1', 'faceLandmark68Net', 'faceRecognitionNet'] as const);

export const MODEL_NAME = 'face-api ssd-mobilenet-v1 + face-landmark-68 + face-recognition (ResNet-34, 128-d)';

/** One loaded detector and descriptor network; reuse it for every image. */
export class FaceEmbedder {
  private readonly options: Required<Omit<EmbedOptions, 'minFace'>>;
  /** The smallest face searched, in full-size pixels; photos are decoded for it (decodeSide). */
  readonly minFace: number | undefined;

  private constructor(private readonly api: typeof FaceApi, private readonly tf: typeof Tf, options: EmbedOptions) {
    this.options = { minScore: options.minScore ?? EMBED_DEFAULTS.minScore, cropSize: options.cropSize ?? EMBED_DEFAULTS.cropSize };
    this.minFace = options.minFace;
  }

  /**
   * An embedder over face-api (its module, with its three networks loaded) and the TF.js it runs
   * on; embedder.node.ts loads them in Node, embedder.browser.ts in a browser. Typed `unknown` so that this
   * package's declarations do not pull in face-api's, which clash with other WebGPU typings.
   */
  static over(faceApi: unknown, tf: unknown, options: EmbedOptions = {}): FaceEmbedder {
    return new FaceEmbedder(faceApi as typeof FaceApi, tf as typeof Tf, options);
  }

  /**
   * Every face found in one image, largest first; `image` is recorded as given. Boxes and
   * landmarks are in the pixels of `img`, or, for a photo decoded smaller than its full size,
   * in the full-size frame.
   */
  async embed(img: DecodedImage | DecodedPhoto, image: string): Promise<EmbeddedFace[]> {
    const photo = 'fullWidth' in img;
    // the smallest face searched, in the decoded pixels
    const minFace = this.minFace === undefined ? undefined : (this.minFace * img.width) / (photo ? img.fullWidth : img.width);
    const faces = await this.facesIn(img, image, minFace);
    return photo ? faces.map((f) => inFullFrame(f, img)) : faces;
  }

  private async facesIn(img: DecodedImage, image: string, minFace: number | undefined): Promise<EmbeddedFace[]> {
    if (img.width < MIN_IMAGE_SIDE || img.height < MIN_IMAGE_SIDE) return [];
    const { api, tf } = this;
    const { cropSize } = this.options;
    const tight = img.width <= cropSize && img.height <= cropSize && Math.abs(img.width - img.height) <= 0.2 * Math.max(img.width, img.height);
    const input = tf.tensor3d(img.rgb, [img.height, img.width, 3], 'int32');
    try {
      if (tight) {
        // a tight crop is one face, where it shows the evidence of one (looksLikeFace)
        const points = await this.landmarks(input);
        return (await this.looksLikeFace(input, img, points)) ? [await this.describeCrop(input, img, image, points)] : [];
      }
      const settings = new api.SsdMobilenetv1Options({ minConfidence: this.options.minScore });
      const detected = minFace === undefined ? api.detectAllFaces(input as never, settings).withFaceLandmarks()
        : new api.DetectAllFaceLandmarksTask(this.detectInWindows(input, img, minFace, settings), input as never, false);
      const found = await detected.withFaceDescriptors();
      const faces: EmbeddedFace[] = found.map((d) => ({
        image,
        box: [d.detection.box.x, d.detection.box.y, d.detection.box.width, d.detection.box.height].map(tenth),
        landmarks: d.landmarks.positions.map((p) => [tenth(p.x), tenth(p.y)]),
        score: Math.round(d.detection.score * 1e4) / 1e4,
        model: MODEL_NAME,
        descriptor: Float32Array.from(d.descriptor),
      }));
      return faces.sort((a, b) => b.box![2]! * b.box![3]! - a.box![2]! * a.box![3]!);
    } finally {
      input.dispose();
    }
  }

  /** Detections in the windows that find faces down to `minFace` pixels high (tiles.ts), one per face. */
  private async detectInWindows(input: Tf.Tensor3D, img: DecodedImage, minFace: number,
    settings: FaceApi.SsdMobilenetv1Options): Promise<{ detection: FaceApi.FaceDetection }[]> {
    const { api, tf } = this;
    const found: { window: Window; detections: Detection[] }[] = [];
    for (const w of detectionWindows(img.width, img.height, minFace)) {
      const whole = w.width === img.width && w.height === img.height;
      const tile = whole ? input : tf.slice(input, [w.y, w.x, 0], [w.height, w.width, 3]);
      try {
        const detections = await api.nets.ssdMobilenetv1.locateFaces(tile as never, settings);
        const inImage = detections.map((d) => ({ x: d.box.x + w.x, y: d.box.y + w.y, width: d.box.width, height: d.box.height, score: d.score }));
        found.push({ window: w, detections: inImage });
      } finally {
        if (!whole) tile.dispose();
      }
    }
    const size = { width: img.width, height: img.height };
    return mergeDetections(found, img.width, img.height).map((d) => ({
      detection: new api.FaceDetection(d.score, new api.Rect(d.x / img.width, d.y / img.height, d.width / img.width, d.height / img.height), size),
    }));
  }

  /** The 68 landmarks the landmark net places on the whole of `input`, in its pixels. */
  private async landmarks(input: Tf.Tensor3D): Promise<[number, number][]> {
    const found = await this.api.nets.faceLandmark68Net.detectLandmarks(input as never) as FaceApi.FaceLandmarks68;
    return found.positions.map((p) => [p.x, p.y]);
  }

  /**
   * Evidence that a tight crop is a face (a noise, flat, textured or background image is not):
   * the detector finds it, filling the crop and centred in it, once the crop is set in a grey
   * canvas four times its size (where its face is the size SSD finds best) or twice; or the
   * landmark net follows it when it is moved. On a non-face the net places its average face
   * wherever the frame is, so moving the crop within the frame (grey margins on its right and
   * bottom) moves the landmarks off it. Thresholds measured on lfw-aligned crops and non-faces
   * (models/README.md).
   */
  private async looksLikeFace(input: Tf.Tensor3D, img: DecodedImage, points: [number, number][]): Promise<boolean> {
    const { api, tf } = this;
    for (const scale of [4, 2]) {
      const pad = Math.round((Math.max(img.width, img.height) * (scale - 1)) / 2);
      const canvas = tf.pad(input, [[pad, pad], [pad, pad], [0, 0]], 128);
      try {
        const found = await api.detectAllFaces(canvas as never, new api.SsdMobilenetv1Options({ minConfidence: CROP_EVIDENCE.detectionScore }));
        const filling = found.some((d) => Math.abs(d.box.x + d.box.width / 2 - pad - img.width / 2) < img.width / 4
          && Math.abs(d.box.y + d.box.height / 2 - pad - img.height / 2) < img.height / 4
          && Math.max(d.box.width, d.box.height) >= 0.4 * Math.max(img.width, img.height));
        if (filling) return true;
      } finally {
        canvas.dispose();
      }
    }
    const margin = Math.max(1, Math.round(Math.min(img.width, img.height) * 0.25));
    const moved = tf.pad(input, [[0, margin], [0, margin], [0, 0]], 128);
    try {
      const again = await this.landmarks(moved);
      let drift = 0;
      for (let i = 0; i < 68; i++) drift += Math.hypot(again[i]![0] - points[i]![0], again[i]![1] - points[i]![1]);
      const [left, right] = [centreOf(points, 36, 42), centreOf(points, 42, 48)];
      const eyes = Math.hypot(left[0] - right[0], left[1] - right[1]);
      return eyes > 0 && drift / 68 / eyes < CROP_EVIDENCE.landmarkDrift;
    } finally {
      moved.dispose();
    }
  }

  /**
   * A tight or aligned crop (insightface's 112×112, say) gives the detector too little
   * context, and described whole it is framed unlike the recognition net's training faces
   * (1-NN identity accuracy 0.69 against 0.985 on lfw-train-aligned pairs; models/README.md).
   * So the crop is taken as the detection box itself: the landmark net runs on it, the crop
   * is mirror-padded so that the aligned box may reach past its edges (it usually does, below
   * the chin), and the face is cut out exactly as face-api aligns a detected face (its
   * alignDlib: a square of side (mean eye–mouth distance) / 0.45 around the centroid of the
   * eyes' and mouth's centres, 0.5 of the side left of it and 0.43 above).
   */
  private async describeCrop(input: Tf.Tensor3D, img: DecodedImage, image: string, points: [number, number][]): Promise<EmbeddedFace> {
    const { api, tf } = this;
    const pad = Math.round(Math.max(img.width, img.height) / 2);
    const padded = tf.mirrorPad(input, [[pad, pad], [pad, pad], [0, 0]], 'symmetric');
    try {
      const [left, right, mouth] = [centreOf(points, 36, 42), centreOf(points, 42, 48), centreOf(points, 48, 68)];
      const eyeToMouth = (Math.hypot(mouth[0] - left[0], mouth[1] - left[1]) + Math.hypot(mouth[0] - right[0], mouth[1] - right[1])) / 2;
      const side = Math.max(1, Math.floor(eyeToMouth / 0.45));
      const cx = (left[0] + right[0] + mouth[0]) / 3, cy = (left[1] + right[1] + mouth[1]) / 3;
      // in the padded image, clipped to it
      const x0 = Math.min(Math.max(0, Math.floor(cx - 0.5 * side) + pad), img.width + 2 * pad - 1);
      const y0 = Math.min(Math.max(0, Math.floor(cy - 0.43 * side) + pad), img.height + 2 * pad - 1);
      const face = tf.slice(padded, [y0, x0, 0], [Math.min(side, img.height + 2 * pad - y0), Math.min(side, img.width + 2 * pad - x0), 3]);
      try {
        const descriptor = await api.computeFaceDescriptor(face as never) as Float32Array;
        return {
          image, box: [0, 0, img.width, img.height], landmarks: points.map(([x, y]) => [tenth(x), tenth(y)]),
          score: 0, model: `${MODEL_NAME}, the image as a face crop`, descriptor: Float32Array.from(descriptor),
        };
      } finally {
        face.dispose();
      }
    } finally {
      padded.dispose();
    }
  }
}
