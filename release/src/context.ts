// What the global setup (published.ts) hands to the test files, and how they read it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type TarballFile, unpack } from '@publint/pack';
import { inject } from 'vitest';

export const repo = fileURLToPath(new URL('../..', import.meta.url));
export const PACKAGES = ['core', 'layers', 'optim'] as const;
export type Name = (typeof PACKAGES)[number];

export interface Release {
  /** A temporary folder, removed afterwards. */
  work: string;
  /** The registry's URL, e.g. http://127.0.0.1:41234/ */
  registry: string;
  /** The folder with each package's tarball as the registry serves it: <name>.tgz. */
  tarballs: string;
  versions: Record<string, string>;
  /** The fresh project with the three packages installed. */
  consumer: string;
  /** The environment to run npm and node in there. */
  env: Record<string, string>;
}

declare module 'vitest' {
  export interface ProvidedContext {
    release: Release;
  }
}

export const release = (): Release => inject('release');

/** A command-line tool of the release workspace part, by its name in node_modules/.bin. */
export const bin = (name: string) =>
  fileURLToPath(new URL(`../node_modules/.bin/${name}`, import.meta.url));

export interface Published {
  name: Name;
  version: string;
  /** The tarball's bytes. */
  tarball: Uint8Array;
  files: TarballFile[];
}

/** A package as the registry serves it. */
export async function published(name: Name): Promise<Published> {
  const { tarballs, versions } = release();
  const tarball = new Uint8Array(readFileSync(join(tarballs, `${name}.tgz`)));
  const version = versions[name] as string;
  return { name, version, tarball, files: (await unpack(tarball)).files };
}

/** A file of a tarball as text. */
export function text(files: TarballFile[], path: string): string {
  const file = files.find((f) => f.name === `package/${path}`);
  if (!file) throw new Error(`the tarball has no ${path}`);
  return new TextDecoder().decode(file.data);
}
