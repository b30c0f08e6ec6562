// The backprop command line (bin/backprop.mjs runs this): the commands, their options, and how a
// failure becomes a message and an exit code (0 success, 1 the user's error, 2 a bug).
import { NonFiniteError } from '@backprop/core';
import { activationEntries } from '@backprop/layers';
import { DivergenceError, type ProgressSetting } from '@backprop/optim';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import type { Task } from './data.js';
import { isUserError } from './errors.js';
import { evaluate } from './evaluate.js';
import { exportOnnx, exportText } from './export.js';
import { gradients, gradientsText } from './gradients.js';
import { inspect } from './inspect.js';
import { checkActivation, OPTIMIZERS, type OptimizerName } from './network.js';
import { checkWritable, predict, writePredictions } from './predict.js';
import { Interrupted } from './resumable.js';
import { scoresText, train } from './train.js';

export async function main(argv: readonly string[]): Promise<number> {
  const debug = argv.includes('--debug');
  try {
    await program().parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof Interrupted) {
      process.stderr.write(`backprop: ${error.message}\n`);
      return 130; // as a shell reports a process ended by SIGINT
    }
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 1; // commander said why
    if (isUserError(error)) {
      const hint =
        error instanceof DivergenceError || error instanceof NonFiniteError
          ? '\n(on the command line: try a lower --lr, or --optimizer adam)'
          : '';
      process.stderr.write(`backprop: ${error.message}${hint}\n`);
      if (debug) process.stderr.write(`${error.stack}\n`);
      return 1;
    }
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(
      `backprop: internal error (a bug in backprop, not in your input): ${message}\n` +
        (debug
          ? `${(error as Error)?.stack}\n`
          : 'Run again with --debug for the stack trace, and report it.\n'),
    );
    return 2;
  }
}

function program(): Command {
  const cli = new Command('backprop')
    .description('Train the lecture’s neural network on a CSV file, and use the model it saves.')
    .option('--debug', 'show stack traces of errors')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => process.stdout.write(s),
      writeErr: (s) => process.stderr.write(s),
    });

  cli
    .command('train')
    .description(
      'train a network on data.csv, score it against baselines on held-out rows, save it',
    )
    .argument('<data.csv>', 'a CSV file with a header row')
    .requiredOption('--target <column>', 'the column to predict')
    .addOption(
      new Option('--task <task>', 'default: guessed from the target').choices([
        'regression',
        'classification',
      ]),
    )
    .option('--features <a,b,…>', 'the feature columns (default: all but the target)', list)
    .option('--hidden <sizes>', 'neurons of each hidden layer, e.g. 8,8 ("" for none)', sizes, [8])
    .option(
      '--activation <name>',
      `hidden layers' activation: ${activationEntries()
        .map((e) => e.name)
        .join(', ')}`,
      'sigmoid',
    )
    .addOption(
      new Option('--optimizer <name>', 'the optimiser').choices(OPTIMIZERS).default('adam'),
    )
    .option('--lr <rate>', 'learning rate', positive, 0.01)
    .option('--epochs <n>', 'passes over the training rows', integer(1), 200)
    .option('--batch-size <n>', 'rows per step; 1 is the lecture’s per-sample SGD', integer(1), 32)
    .option(
      '--test-size <size>',
      'held-out rows: a fraction in (0, 1) or a number of rows (default 0.25)',
      testSize,
    )
    .option(
      '--cv <k>',
      'k-fold cross-validation instead of one split: mean ± sd over the folds',
      integer(2),
    )
    .option('--seed <n>', 'seeds the split, the folds, the weights and the shuffles', integer(0), 0)
    .option(
      '--early-stopping',
      'hold out 20% of the training rows; stop when their loss stops falling',
      false,
    )
    .option('--patience <n>', 'epochs without improvement before early stopping', integer(1), 20)
    .option('--out <model.json>', 'write the model file (with --cv: trained on all rows)')
    .option(
      '--plots <dir>',
      'write yy.svg, loss.svg (and confusion.svg) there; with --cv one set per fold (yy-fold1.svg, …)',
    )
    .option(
      '--checkpoint-every <n>',
      'write a checkpoint every n epochs (one split, not --cv)',
      integer(1),
    )
    .option(
      '--checkpoint <path>',
      'the checkpoint file (default: beside --out as NAME.checkpoint.json, else ./backprop.checkpoint.json)',
    )
    .option('--resume', 'go on from the checkpoint (same data and options; --epochs may be larger)')
    .option('--json', 'print one JSON document instead of tables')
    .action(async (data: string, o) => {
      const log = o.json
        ? (line: string) => process.stderr.write(`${line}\n`)
        : (line: string) => process.stdout.write(`${line}\n`);
      const progress: ProgressSetting = {
        write: (s) => process.stderr.write(s),
        isTTY: process.stderr.isTTY === true,
      };
      const result = await train(
        data,
        {
          target: o.target,
          task: o.task as Task | undefined,
          features: o.features,
          hidden: o.hidden,
          activation: checkActivation(o.activation),
          optimizer: o.optimizer as OptimizerName,
          lr: o.lr,
          epochs: o.epochs,
          batchSize: o.batchSize,
          testSize: o.testSize,
          cv: o.cv,
          seed: o.seed,
          earlyStopping: o.earlyStopping,
          patience: o.patience,
          out: o.out,
          plots: o.plots,
          checkpointEvery: o.checkpointEvery,
          checkpoint: o.checkpoint,
          resume: o.resume,
        },
        progress,
        log,
      );
      if (o.json) printJson({ command: 'train', ...result });
    });

  cli
    .command('predict')
    .description('predict the target for each row of data.csv (same columns as the training data)')
    .argument('<model.json>', 'a model file written by train --out')
    .argument('<data.csv>', 'rows to predict; the target column may be there or not')
    .option('--out <preds.csv>', 'write the predictions as CSV (default: print them)')
    .option('--json', 'print one JSON document')
    .action(async (model: string, data: string, o) => {
      if (o.out !== undefined) await checkWritable(o.out);
      const result = await predict(model, data);
      if (o.out !== undefined) await writePredictions(o.out, result.csv);
      if (o.json) {
        const { csv: _, ...rest } = result;
        printJson({ command: 'predict', model, data, ...rest, ...(o.out ? { out: o.out } : {}) });
      } else if (o.out !== undefined) {
        process.stdout.write(
          `${result.rows} predictions of '${result.target}' written to ${o.out}\n`,
        );
      } else process.stdout.write(result.csv);
    });

  cli
    .command('evaluate')
    .description('score a saved model on labelled rows')
    .argument('<model.json>', 'a model file written by train --out')
    .argument('<data.csv>', 'rows with the target column')
    .option('--json', 'print one JSON document')
    .action(async (model: string, data: string, o) => {
      const result = await evaluate(model, data);
      if (o.json) return printJson({ command: 'evaluate', model, data, ...result });
      process.stdout.write(`${data}: ${result.rows} rows\n${scoresText(result, result.scores)}\n`);
    });

  cli
    .command('inspect')
    .description('show a model file: architecture, parameters, training settings and scores')
    .argument('<model.json>', 'a model file written by train --out')
    .option('--json', 'print one JSON document')
    .action(async (model: string, o) => {
      const info = await inspect(model);
      if (o.json) return printJson({ command: 'inspect', model, ...info });
      const t = info.training;
      const lines = [
        `${model}: ${info.format.format} version ${info.format.version}`,
        `task: ${info.task}, target '${info.target}'${info.classes ? ` (classes ${info.classes.join(', ')})` : ''}`,
        `features: ${info.features.join(', ')}`,
        `network: ${info.architecture}, hidden activation ${info.activation.join(', ') || '(none)'}, output ${info.task === 'classification' ? 'softmax (applied to the logits by the loss and by predict)' : info.outputActivation}`,
        `parameters: ${info.parameters}`,
        `trained: ${t.date} on ${t.rows} rows, ${t.epochsRun} epochs, seed ${t.seed}`,
        `options: ${JSON.stringify(t.options)}`,
        `versions: ${Object.entries(t.versions)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ')}`,
      ];
      const metrics = t.metrics as {
        scores?: Record<string, unknown>;
        cv?: number;
        testRows?: number;
      };
      if (metrics.scores) {
        lines.push(
          metrics.cv
            ? `scores over ${metrics.cv} folds (mean ± sd):`
            : `test scores (${metrics.testRows} rows):`,
        );
        lines.push(scoresText({ task: info.task, classes: info.classes }, metrics.scores));
      }
      process.stdout.write(`${lines.join('\n')}\n`);
    });
  cli
    .command('export')
    .description(
      'write a model file as an ONNX model, for ONNX Runtime in Python, C++, C#, Java, the browser…',
    )
    .argument('<model.json>', 'a model file written by train --out')
    .requiredOption('--onnx <model.onnx>', 'the ONNX file to write')
    .addOption(
      new Option(
        '--opset <n>',
        'the ONNX opset, 13 to 21; 18 writes Mish and 20 GELU as single ops',
      )
        .argParser(opset)
        .default(17),
    )
    .option('--json', 'print one JSON document')
    .action(async (model: string, o) => {
      const result = await exportOnnx(model, o.onnx, o.opset);
      if (o.json) return printJson({ command: 'export', model, ...result });
      process.stdout.write(`${exportText(result)}\n`);
    });

  cli
    .command('gradients')
    .description(
      "for one row of data.csv, every ∂E/∂w by the slides' formulas, by autodiff and by a central difference",
    )
    .argument('<model.json>', 'a model file written by train --out')
    .argument('<data.csv>', 'rows with the target column')
    .requiredOption(
      '--row <n>',
      'the row, 1-based: 1 is the first row below the header',
      (v: string) => {
        const n = Number(v);
        if (!(Number.isInteger(n) && n >= 1))
          throw new InvalidArgumentError(
            'expected a row number ≥ 1 (1-based: row 1 is the first row below the header)',
          );
        return n;
      },
    )
    .option('--json', 'print one JSON document')
    .action(async (model: string, data: string, o) => {
      const result = await gradients(model, data, o.row);
      if (o.json) return printJson({ command: 'gradients', model, data, ...result });
      process.stdout.write(`${gradientsText(result, model, data)}\n`);
    });
  return cli;
}

function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

function list(value: string): string[] {
  const names = value.split(',').map((s) => s.trim());
  if (names.some((s) => s === ''))
    throw new InvalidArgumentError('expected column names separated by commas, e.g. a,b');
  return names;
}

function sizes(value: string): number[] {
  if (value.trim() === '') return [];
  return value.split(',').map((s) => {
    const n = Number(s);
    if (!Number.isInteger(n) || n < 1)
      throw new InvalidArgumentError('expected layer sizes ≥ 1 separated by commas, e.g. 8,8');
    return n;
  });
}

function positive(value: string): number {
  const n = Number(value);
  if (!(Number.isFinite(n) && n > 0)) throw new InvalidArgumentError('expected a number > 0');
  return n;
}

function integer(min: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!(Number.isInteger(n) && n >= min))
      throw new InvalidArgumentError(`expected a whole number ≥ ${min}`);
    return n;
  };
}

function opset(value: string): number {
  const n = Number(value);
  if (!(Number.isInteger(n) && n >= 13 && n <= 21)) {
    throw new InvalidArgumentError('expected a whole number from 13 to 21');
  }
  return n;
}

function testSize(value: string): number {
  const n = Number(value);
  if (!(n > 0 && n < 1) && !(Number.isInteger(n) && n >= 1)) {
    throw new InvalidArgumentError('expected a fraction in (0, 1) or a whole number of rows ≥ 1');
  }
  return n;
}
