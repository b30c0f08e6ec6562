// Every entry point through CommonJS `require`.
const exercise = require('./exercise.cjs');

exercise({
  core: require('@backprop/core'),
  coreNode: require('@backprop/core/node'),
  layers: require('@backprop/layers'),
  layersNode: require('@backprop/layers/node'),
  optim: require('@backprop/optim'),
  optimNode: require('@backprop/optim/node'),
}).then((report) => console.log(JSON.stringify(report)));
