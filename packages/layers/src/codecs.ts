// The table of codecs, one per savable model type: the one place that knows every savable class.
// Typed over ModelType, so a type without a codec, or a codec missing a part, is a tsc error.
// A new savable module: its JSON in saved-model.ts, its codec beside its class, one entry here.
import { linearCodec } from './linear.js';
import { mlpCodec } from './mlp.js';
import { rbfCodec } from './rbf.js';
import type { Codec, ModelType } from './saved-model.js';
import { sequentialCodec } from './sequential.js';

export const CODECS = {
  Linear: linearCodec,
  MLP: mlpCodec,
  Sequential: sequentialCodec,
  RBF: rbfCodec,
} satisfies { readonly [K in ModelType]: Codec<K> };

/** The models that can be saved: these classes themselves (not subclasses), nested freely in Sequential. */
export type SavableModel = ReturnType<(typeof CODECS)[ModelType]['build']>;
