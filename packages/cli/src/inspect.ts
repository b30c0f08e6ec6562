// `backprop inspect model.json`: what a model file holds, without the data.
import { readModelFile } from './model-file.js';
import { architecture } from './train.js';

export async function inspect(modelPath: string) {
  const { file, model } = await readModelFile(modelPath);
  const config = model.config;
  return {
    task: file.task,
    target: file.targetName,
    features: file.featureNames,
    classes: file.classes,
    architecture: architecture(config.inputs, config.hidden, config.outputs),
    activation: config.activation,
    outputActivation: config.outputActivation,
    parameters: model.numParameters(),
    format: { format: file.format, version: file.version },
    training: file.training,
  };
}
