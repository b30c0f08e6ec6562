// Anomaly mode names the user's line, also where Node maps the library's frames to its sources.
import { detectAnomaly, tensor } from '@backprop/core';
import { Linear } from '@backprop/layers';

try {
  detectAnomaly(() => tensor([-1]).log()); // line 6: log(−1) is NaN
} catch (error) {
  console.log(error.message);
}

// inside a model of @backprop/layers, too: the site is this line, not Linear.forward
const layer = new Linear(1, 1, { seed: 0 });
layer.weight.data[0] = 1e308;
try {
  detectAnomaly(() => layer.forward(tensor([[1e308]]))); // line 15: 1e308 · 1e308 overflows
} catch (error) {
  console.log(error.message);
}
