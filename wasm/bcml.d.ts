// Type declarations of bcml's WebAssembly binding (bcml.mjs).

export class BcmlError extends Error {
  /** The C status: 1 invalid input, 2 out of memory, 3 i/o, 4 malformed data, 5 cancelled. */
  code: number;
}

/** Whether this engine runs WebAssembly SIMD128. */
export function simdSupported(): boolean;
/** The compiled module for this engine (or as asked), shareable with workers. */
export function compile(options?: { simd?: boolean }): Promise<{ module: WebAssembly.Module; simd: boolean }>;
/** Loads bcml, picking the SIMD build when the engine supports it. */
/** workerUrl: the sweep worker's module URL when it is not beside bcml.mjs (bundles, blob URLs). */
export function load(options?: { simd?: boolean; module?: WebAssembly.Module; workerUrl?: string | URL }): Promise<Bcml>;

type Floats = Float32Array | ArrayLike<number>;
type Ints = Int32Array | ArrayLike<number>;

export interface LossOptions {
  loss: string; // "new-error-nll", ..., "strict-imitation-kl", "focal-distillation", "cross-entropy", "bce"
  lambda_c?: number;
  pivot?: number;
  alpha?: number;
  beta?: number;
  temperature?: number;
  reduction?: 'mean' | 'sum' | 'batchmean';
  logits?: boolean;
  variant?: 'head' | 'pypi-1.4.2';
}

export interface SliceColumn { name: string; values: Ints; names: string[] }

/** The evaluation record: the original library's keys, pooled, plus bcml's (null where undefined). */
export interface Evaluation {
  models_error_overlap: [number[], number[], number[]];
  h2_incompatible_instance_ids_by_class: { class: number; incompatibleInstanceIds: number[] }[];
  sorted_classes: number[];
  h1_accuracy_by_class: { class: number; accuracy: number | null; error_instance_ids: number[] }[];
  h2_accuracy_by_class: { class: number; accuracy: number | null; error_instance_ids: number[] }[];
  h2_performance: number | null;
  btc: number | null;
  bec: number | null;
  error_instances: { instance_id: number; metadata: string; h1_prediction: number; h2_prediction: number; ground_truth: number }[];
  dataset_size: number;
  h1_performance: number | null;
  performance_metric: string;
  num_classes: number;
  counts: { n: number; both_correct: number; negative_flips: number; positive_flips: number; both_wrong: number; both_wrong_same_label: number };
  bec_upstream: number | null;
  nfr: number | null; pfr: number | null; nfi: number | null; pfi: number | null; nfr_relative: number | null;
  h1_accuracy: number | null; h2_accuracy: number | null; accuracy_change: number | null;
  intervals: { method: string; btc: [number, number] | null; bec: [number, number] | null; nfr: [number, number] | null };
  slices: { column: string; values: ({ value: string } & Record<string, unknown>)[] }[];
  lambda_c?: number; training?: boolean; testing?: boolean; datapoint_index?: number; dissonance?: string; loss?: string;
}

export interface SummaryRow {
  datapoint_index: number; lambda_c: number; training: boolean; testing: boolean;
  'new-error': boolean; 'strict-imitation': boolean; performance: number | null; btc: number | null; bec: number | null; nfr: number | null;
}

export interface SweepSummary {
  data: SummaryRow[];
  h1_performance: number | null;
  performance_metric: string;
  lambdas: number[];
  complete: boolean;
  pareto_front: number[];
  recommendation: { datapoint_index: number; lambda_c: number; dissonance: string; performance: number; btc: number; bec: number | null; nfr: number | null; constraint: string } | null;
  recommendation_note?: string;
}

export interface SweepConfig {
  epochs?: number; batch_size?: number; seed?: number; shuffle?: boolean;
  optimizer?: { name?: 'sgd' | 'adam'; lr?: number; momentum?: number; dampening?: number; nesterov?: boolean; weight_decay?: number; betas?: [number, number]; eps?: number };
  new_error?: string | LossOptions; strict_imitation?: string | LossOptions;
  lambda?: number[] | { start?: number; stop?: number; step?: number };
  metric?: 'accuracy' | 'balanced-accuracy' | 'macro-f1';
  recommend?: string;
}

export interface SweepSet { x: Floats; y: Ints; ids?: ArrayLike<number>; slices?: SliceColumn[]; metadata?: string[] }

export interface SweepProgress {
  /** trainingsTotal counts one training per twin point (where both families train the same model); eta (seconds
   * left) is NaN until 2% of the work is done */
  fraction: number; trainingsDone: number; trainingsTotal: number; elapsed: number; eta: number;
  lambda: number; dissonance: 'new-error' | 'strict-imitation'; epoch: number; epochs: number;
}

export interface SweepHandle {
  /** The summary: complete, or of the finished points when cancelled. Rejects with the C error. */
  done: Promise<SweepSummary>;
  cancel(): void;
  readonly progress: { fraction: number; trainingsDone?: number; trainingsTotal?: number };
  /** The largest WebAssembly memory of any worker so far, in bytes. */
  readonly heapBytes: number;
  /** h1's saved bytes once a worker trained it (data.h1.train); null for a given h1, or when the sweep stopped first. */
  h1: Promise<Uint8Array | null>;
  /** Finished records by datapoint index: the JSON text, its summary row, and the record (parsed when first read). */
  readonly evaluations: Map<number, { readonly text: string; readonly row: string; readonly record: Evaluation }>;
  /** Trained models by file name (as the native folder's), in bcml's saved format. */
  readonly models: Map<string, Uint8Array>;
}

export class Model {
  readonly inputSize: number;
  readonly outputSize: number;
  readonly paramCount: number;
  readonly spec: unknown;
  /** Outputs [n, outputSize] (logits). */
  predict(x: Floats, n?: number): Float32Array;
  /** The model in bcml's saved format. */
  save(): Uint8Array;
  free(): void;
}

export class Bcml {
  readonly simd: boolean;
  readonly version: string;
  readonly kernels: string;
  /** The sweep worker module URL given to load(), or null (beside bcml.mjs). */
  readonly workerUrl: string | URL | null;
  readonly heapBytes: number;
  loss(options: LossOptions, data: { h1?: Floats | null; h2: Floats; y: Ints; n?: number; c?: number }): { value: number; grad: Float32Array };
  evaluate(input: { h1: Ints; h2: Ints; y: Ints; ids?: ArrayLike<number> | null; metadata?: string[]; slices?: SliceColumn[]; metric?: string; numClasses?: number }): Evaluation;
  evaluateJson(input: { h1: Ints; h2: Ints; y: Ints; ids?: ArrayLike<number> | null; metadata?: string[]; slices?: SliceColumn[]; metric?: string; numClasses?: number }): string;
  labels(outputs: Floats, n: number, c: number, threshold?: number): Int32Array;
  compare(input: { x?: Floats | null; y: Ints; h1: Model | { outputs: Floats; probabilities?: boolean } | { labels: Ints };
    h2: Model | { outputs: Floats; probabilities?: boolean } | { labels: Ints }; ids?: ArrayLike<number> | null; metadata?: string[];
    slices?: SliceColumn[]; metric?: string; numClasses?: number }): Evaluation;
  createModel(spec: object | string, seed?: number): Model;
  loadModel(bytes: Uint8Array): Model;
  train(model: Model, data: { x: Floats; y: Ints; n?: number; h1Outputs?: Floats | null }, options?: object,
    onProgress?: (p: { epoch: number; epochs: number; batch: number; batches: number; loss: number }) => boolean | void): { epochLoss: number[]; epochsDone: number };
  trainInWorker(what: { spec: object; seed?: number } | { model: Uint8Array } | Model, data: { x: Floats; y: Ints }, options?: object,
    onProgress?: (p: { epoch: number; epochs: number; batch: number; batches: number; loss: number }) => void): Promise<{ model: Model; epochLoss: number[] }>;
  lambdaGrid(start: number, stop: number, step: number): number[];
  sweepSummary(evaluations: (Evaluation | string)[], options?: { expectedPoints?: number; constraint?: string }): SweepSummary;
  sweepSummaryJson(evaluationsArrayText: string, expectedPoints?: number, constraint?: string): string;
  loadSweepFolder(files: Record<string, string>): { summary: SweepSummary; evaluations: Record<number, Evaluation> };
  csvCells(text: string | Uint8Array, options?: { delimiter?: string; name?: string }): { header: string[]; rows: string[][] };
  csvTable(text: string | Uint8Array, options: { label: string; id?: string; slices?: string[]; ignore?: string[]; delimiter?: string; name?: string },
    encoding?: object | null): { n: number; dim: number; x: Float32Array; y: Int32Array; ids: Float64Array | null; numClasses: number;
    classNames: string[]; featureNames: string[]; encoding: object; slices: SliceColumn[] };
  readArray(format: 'npy' | 'npz' | 'idx', bytes: Uint8Array, options?: { member?: string; name?: string }): { shape: number[]; data: Float32Array; integer: boolean };
  thumbnail(pixels: Floats, options: { channels?: 1 | 3; height: number; width: number; scale?: number; lo?: number; hi?: number }): Uint8Array;
  gemm(M: number, N: number, K: number, A: Floats, B: Floats, options?: { transA?: boolean; transB?: boolean }): Float32Array;
  sweep(config: SweepConfig, data: {
    train: SweepSet; test: SweepSet;
    /** train: one of the workers trains h1 on the first `rows` training rows (all by default) before its sweep trainings,
     * while the others train lambda_c 0 (which reads no h1): `workers` threads in all. A promise (e.g. of trainInWorker's
     * model) lets the workers start, and train lambda_c 0, while h1 trains in a thread of its own. */
    h1: { train: ({ spec: object; seed?: number } | { model: Model | Uint8Array }) & { rows?: number; options?: object } }
      | { model: Model | Uint8Array | Promise<Model | Uint8Array> } | { outputsTrain: Floats; outputsTest: Floats; probabilities?: boolean };
    h2: { model: Model | Uint8Array } | { spec: object };
  }, options?: { workers?: number; onProgress?: (p: SweepProgress) => void; onEvaluation?: (e: Evaluation) => void;
    /** h1's training (data.h1.train), as trainInWorker's onProgress; null once h1 is trained */
    onH1Progress?: (p: { epoch: number; epochs: number; batch: number; batches: number; loss: number } | null) => void }): SweepHandle;
}
