// `backprop evaluate model.json test.csv`: the saved model's scores on labelled rows, beside the
// baseline the file can reproduce (the training mean, or the majority training class).
import { readForModel } from './data.js';
import { readModelFile } from './model-file.js';
import { predictRows } from './network.js';
import { classificationScores, regressionScores } from './scores.js';

export async function evaluate(modelPath: string, dataPath: string) {
  const loaded = await readModelFile(modelPath);
  const { file } = loaded;
  const { x, y, rows } = await readForModel(dataPath, file, true);
  const truth = Array.from((y as NonNullable<typeof y>).data);
  const predicted = predictRows(loaded, file.task, x).values;
  if (file.task === 'regression') {
    // the y scaler's mean is the training rows' mean
    const mean = (loaded.yScaler?.mean[0] ?? 0) as number;
    return {
      rows,
      task: file.task,
      classes: file.classes,
      scores: {
        network: regressionScores(truth, predicted),
        mean: regressionScores(truth, new Array<number>(rows).fill(mean)),
      },
    };
  }
  const k = file.classes?.length ?? 0;
  return {
    rows,
    task: file.task,
    classes: file.classes,
    scores: {
      network: classificationScores(truth, predicted, k),
      majority: classificationScores(
        truth,
        new Array<number>(rows).fill(file.majorityClass ?? 0),
        k,
      ),
    },
  };
}
