import {
  checkConfig,
  configFromQuery,
  configToQuery,
  DEFAULT_CONFIG,
  type PlaygroundConfig,
  PlaygroundError,
} from '@backprop/playground';
import { describe, expect, it } from 'vitest';

const custom: PlaygroundConfig = {
  dataset: 'spirals',
  samples: 500,
  noise: 0.25,
  seed: 42,
  hidden: [
    { size: 8, activation: 'relu' },
    { size: 4, activation: 'leakyRelu(0.2)' },
    { size: 2, activation: 'softsign' },
  ],
  output: 'softmax',
  optimizer: 'adam',
  lr: 0.003,
  batchSize: 16,
  validation: 0.2,
  target: 'my target, with a comma & more',
};

describe('checkConfig', () => {
  it('fills missing fields from DEFAULT_CONFIG and keeps given ones', () => {
    expect(checkConfig({})).toEqual(DEFAULT_CONFIG);
    expect(checkConfig({ lr: 0.5, hidden: [] })).toEqual({
      ...DEFAULT_CONFIG,
      lr: 0.5,
      hidden: [],
    });
    expect(checkConfig(custom)).toEqual(custom);
  });

  it.each([
    [
      { dataset: 'iris' },
      /dataset: expected one of xor, circles, spirals, moons, gaussian, diabetes, csv; got 'iris'/,
    ],
    [{ samples: 10 }, /samples: expected an integer from 20 to 1000; got 10/],
    [{ samples: 20.5 }, /samples: expected an integer/],
    [{ noise: 0.6 }, /noise: expected a number from 0 to 0.5; got 0.6/],
    [{ lr: 0 }, /lr: expected a learning rate > 0; got 0/],
    [{ lr: Number.NaN }, /lr: expected a number from 0 to 10; got NaN/],
    [{ batchSize: 0 }, /batchSize: expected an integer from 1 to 1000/],
    [{ validation: 0.95 }, /validation: expected a number from 0 to 0.9/],
    [
      { hidden: Array(7).fill({ size: 2, activation: 'relu' }) },
      /hidden: expected a list of 0–6 layers/,
    ],
    [
      { hidden: [{ size: 17, activation: 'relu' }] },
      /hidden layer 1: size: expected an integer from 1 to 16; got 17/,
    ],
    [
      {
        hidden: [
          { size: 2, activation: 'relu' },
          { size: 2, activation: 'sigmoidd' },
        ],
      },
      /hidden layer 2: activation: .*sigmoidd/,
    ],
    [{ output: 'sigmoid' }, /output: expected one of linear, softmax/],
    [{ optimizer: 'rmsprop' }, /optimizer: expected one of sgd, momentum, adam/],
    [{ target: '' }, /target: expected a column name, or null/],
    [{ learningRate: 0.1 }, /unknown setting 'learningRate'/],
  ])('refuses %j with a message naming the field', (bad, message) => {
    expect(() => checkConfig(bad)).toThrow(PlaygroundError);
    expect(() => checkConfig(bad)).toThrow(message);
  });

  it('refuses a value that is not an object', () => {
    expect(() => checkConfig('xor')).toThrow(/config: expected an object of settings; got 'xor'/);
  });
});

describe('the setup in the URL', () => {
  it('writes every field, readably', () => {
    expect(configToQuery(DEFAULT_CONFIG)).toBe(
      'dataset=xor&samples=200&noise=0.1&seed=4&hidden=3:sigmoid&output=linear&optimizer=sgd&lr=0.3&batch=1&validation=0.3',
    );
  });

  it('reads back what it wrote, with no problems', () => {
    for (const config of [DEFAULT_CONFIG, custom, { ...DEFAULT_CONFIG, hidden: [] }]) {
      const query = configToQuery(config);
      expect(configFromQuery(query)).toEqual({ config, problems: [] });
      expect(configFromQuery(`?${query}`)).toEqual({ config, problems: [] });
    }
  });

  it('keeps a family activation whole inside the list of layers', () => {
    const query = configToQuery(custom);
    expect(query).toContain('hidden=8:relu,4:leakyRelu(0.2),2:softsign');
  });

  it('reports each bad parameter and keeps the default for it, the rest as given', () => {
    const { config, problems } = configFromQuery(
      'dataset=moons&lr=abc&samples=5000&hidden=3:sigmoid,x&colour=red&noise=0.2',
    );
    expect(config).toEqual({ ...DEFAULT_CONFIG, dataset: 'moons', noise: 0.2 });
    expect(problems).toEqual([
      'lr=abc: lr: expected a number from 0 to 10; got NaN; using the default 0.3',
      'samples=5000: samples: expected an integer from 20 to 1000; got 5000; using the default 200',
      "hidden=3:sigmoid,x: hidden layer 2: expected size:activation such as 3:sigmoid; got 'x'; using the default 3:sigmoid",
      "unknown parameter 'colour' ignored; known: dataset, samples, noise, seed, hidden, output, optimizer, lr, batch, validation, target",
    ]);
  });

  it('reads an empty hidden list as no hidden layer, and an empty number as a problem', () => {
    const { config, problems } = configFromQuery('hidden=&lr=');
    expect(config.hidden).toEqual([]);
    expect(problems).toEqual([
      "lr=: lr: expected a number from 0 to 10; got ''; using the default 0.3",
    ]);
  });

  it('reports a broken % escape', () => {
    expect(configFromQuery('target=%E0%A4%A').problems).toEqual([
      "'target=%E0%A4%A' is not a valid URL parameter (bad % escape); ignored",
    ]);
  });
});
