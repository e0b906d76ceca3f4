/**
 * A converter component: one ONNX graph built from one checkpoint folder. The converter knows nothing
 * of any graph; each builder plugs in here with its config parser and its build function.
 */
import type { ComputeType, Precision, QuantBlockSize, SavedModel, SharedWeights } from '../onnx';
import type { ComponentName } from '../model-store/manifest';
import type { WeightSource } from '../weights';

export type ConvertSettings = Readonly<{
  precision: Precision;
  blockSize: QuantBlockSize;
  /** Compute type of int8/int4 graphs: float32 (default; runs on CPU too) or bfloat16 (GPU). */
  compute?: ComputeType;
}>;

export type SourceFolder = 'transformer' | 'vae' | 'text_encoder';

export interface ComponentPlugin<Config = unknown> {
  readonly name: ComponentName;
  /** The checkpoint folder whose config and weights the graph is built from. */
  readonly source: SourceFolder;
  /** Name prefixes of the tensors it uses (to estimate its share of the work for the progress bar). */
  readonly prefixes: readonly string[];
  /** Parses the folder's config.json; throws naming the file and field on unsupported values. */
  parseConfig(json: unknown, file: string): Config;
  /**
   * A component built earlier whose folder and data file this one shares (its weights are a subset of
   * that one's): when that component is in the build, this one is saved in its folder and given its
   * SavedModel as `sharing`; otherwise it gets a folder of its own.
   */
  readonly sharesWeightsOf?: ComponentName;
  /** Writes `outDir/model.onnx` (+ external data) and describes it. */
  build(
    config: Config,
    weights: WeightSource,
    settings: ConvertSettings,
    outDir: string,
    sharing?: SharedWeights,
  ): Promise<SavedModel>;
  /** Optional components: why this checkpoint cannot have it (then it is skipped), or undefined. */
  unavailable?(config: Config, weights: WeightSource): string | undefined;
  /** The precision the graph really has for the requested one (e.g. the VAE is always fp32). */
  effectivePrecision(requested: Precision): Precision;
}

/** Helper that keeps a plugin's Config type checked while the registry holds plugins of many configs. */
export function component<Config>(plugin: ComponentPlugin<Config>): ComponentPlugin {
  return plugin as unknown as ComponentPlugin;
}
