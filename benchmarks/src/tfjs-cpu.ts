import { main } from './tfjs-common.js';

await main('cpu');
