// A new activation in a few lines: the bent identity, composed from core's ops, checked against
// central differences (first and second derivatives), registered by name, and trained on iris.
import { pathToFileURL } from 'node:url';
import { type GradcheckReport, grad, gradcheck, noGrad, type Tensor, tensor } from '@backprop/core';
import {
  activationName,
  crossEntropy,
  defineActivation,
  fromJSON,
  MLP,
  registerActivation,
  toJSON,
} from '@backprop/layers';
import { Adam, accuracy, argmax, fit, StandardScaler, trainTestSplit } from '@backprop/optim';
import { readCsv } from '@backprop/optim/node';

// #region define
/**
 * The bent identity f(a) = (√(a² + 1) − 1)/2 + a: smooth, unbounded, f(0) = 0, with a slope
 * f′(a) = a / (2√(a² + 1)) + 1 between 0.5 and 1.5, so it neither saturates (p. 20) nor dies.
 * Composed from ops, so autodiff supplies f′ (and f″); `derivative` is the closed form, for checks.
 */
export const bentIdentity = defineActivation({
  name: 'bentIdentity',
  fn: (a) => a.square().add(1).sqrt().sub(1).div(2).add(a),
  derivative: (a) => a.div(a.square().add(1).sqrt().mul(2)).add(1),
  description: 'bent identity (√(a² + 1) − 1)/2 + a; f′ = a/(2√(a² + 1)) + 1, in (0.5, 1.5)',
});
// #endregion define

export interface CustomActivationResult {
  /** Autodiff's f′ against central differences. */
  gradcheck: GradcheckReport;
  /** Autodiff's f″ (the gradient of the gradient) against central differences of f′. */
  gradcheckSecond: GradcheckReport;
  /** max |autodiff f′ − closed-form f′| over the checked points. */
  derivativeError: number;
  /** The name the network's config records for its hidden activation. */
  configActivation: string | null;
  nTest: number;
  testAccuracy: number;
  lossBefore: number;
  lossAfter: number;
  /** A copy of the trained network rebuilt from JSON (which needs the registered name) gives the same outputs. */
  reloadedMatches: boolean;
}

export interface CustomActivationOptions {
  log?: (line: string) => void;
  epochs?: number;
}

export async function runCustomActivation(
  options: CustomActivationOptions = {},
): Promise<CustomActivationResult> {
  const { log = console.log, epochs = 60 } = options;

  // 1. Autodiff's derivatives against central differences, at ordinary and at large inputs.
  const points = [-40, -3, -1, -0.25, 0, 0.3, 1.5, 4, 40];
  const check = gradcheck((a) => bentIdentity(a), [points]);
  const secondCheck = gradcheck((a) => grad((b: Tensor) => bentIdentity(b).sum())(a), [points]);
  const at = tensor(points);
  const autodiff = grad((a: Tensor) => bentIdentity(a).sum())(at);
  const closedForm = bentIdentity.entry.derivative?.(at) as Tensor;
  const derivativeError = Math.max(
    ...autodiff.data.map((g, i) => Math.abs(g - closedForm.data[i])),
  );
  log('bentIdentity(a) = (√(a² + 1) − 1)/2 + a, defined by composing core ops:');
  log(`  f′ vs central differences: ${check.message}`);
  log(`  f″ vs central differences: ${secondCheck.message}`);
  log(`  max |autodiff f′ − closed-form f′| = ${derivativeError.toExponential(2)}`);

  // 2. Registered, it is a name like any built-in: in MLP options, in configs and in saved JSON.
  if (activationName(bentIdentity) === undefined) registerActivation(bentIdentity);

  // 3. Trained: iris, stratified split, autoscaled inputs, cross-entropy on the logits.
  const data = await readCsv(new URL('../data/iris.csv', import.meta.url));
  const split = trainTestSplit(data.x, data.y, { testSize: 0.3, seed: 0, stratify: true });
  const scaler = new StandardScaler().fit(split.xTrain);
  const xTrain = scaler.transform(split.xTrain);
  const xTest = scaler.transform(split.xTest);
  const model = new MLP({
    inputs: 4,
    hidden: [8],
    activation: 'bentIdentity',
    outputs: 3,
    seed: 0,
  });
  const testLoss = () => noGrad(() => crossEntropy(model.forward(xTest), split.yTest).item());
  const lossBefore = testLoss();
  fit(model, {
    x: xTrain,
    y: split.yTrain,
    loss: crossEntropy,
    optimizer: new Adam(model.parameters(), { lr: 0.01 }),
    epochs,
    batchSize: 16,
    progress: false,
  });
  const lossAfter = testLoss();
  const scores = noGrad(() => model.forward(xTest));
  const testAccuracy = accuracy(split.yTest, argmax(scores));
  const copy = fromJSON(JSON.parse(JSON.stringify(toJSON(model))));
  const reloaded = noGrad(() => copy.forward(xTest));
  const reloadedMatches = reloaded.data.every((v, i) => v === scores.data[i]);
  log('');
  log(
    `${model.describe()} on iris (${split.yTrain.size} train / ${split.yTest.size} test, ${epochs} epochs of Adam):`,
  );
  log(
    `  test cross-entropy ${lossBefore.toFixed(3)} → ${lossAfter.toFixed(3)}, test accuracy ${testAccuracy.toFixed(3)}`,
  );
  log(
    `  config.activation = ${JSON.stringify(model.config.activation)}; reloaded from JSON, same outputs: ${reloadedMatches}`,
  );

  return {
    gradcheck: check,
    gradcheckSecond: secondCheck,
    derivativeError,
    configActivation: model.config.activation[0] ?? null,
    nTest: split.yTest.size,
    testAccuracy,
    lossBefore,
    lossAfter,
    reloadedMatches,
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const r = await runCustomActivation();
  if (!r.gradcheck.ok || !r.gradcheckSecond.ok) process.exitCode = 1;
}
