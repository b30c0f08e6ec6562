// Every entry point through ESM `import`.
import * as core from '@backprop/core';
import * as coreNode from '@backprop/core/node';
import * as layers from '@backprop/layers';
import * as layersNode from '@backprop/layers/node';
import * as optim from '@backprop/optim';
import * as optimNode from '@backprop/optim/node';
import exercise from './exercise.cjs';

console.log(
  JSON.stringify(await exercise({ core, coreNode, layers, layersNode, optim, optimNode })),
);
