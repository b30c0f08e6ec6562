// Anomaly mode names the user's line, also where Node maps the library's frames to its sources.
import { detectAnomaly, tensor } from '@backprop/core';

try {
  detectAnomaly(() => tensor([-1]).log()); // line 5: log(−1) is NaN
} catch (error) {
  console.log(error.message);
}
