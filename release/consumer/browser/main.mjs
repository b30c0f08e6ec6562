// The page's script: trains, then shows the result as JSON for the test (and for a person).
import { report } from './train.mjs';

const out = document.getElementById('result');
try {
  out.textContent = JSON.stringify(report());
  out.dataset.state = 'done';
} catch (error) {
  out.textContent = String(error?.stack ?? error);
  out.dataset.state = 'error';
}
