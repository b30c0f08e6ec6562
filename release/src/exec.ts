// Running a command as a real process, with its output kept for the error when it fails.
import { spawn } from 'node:child_process';

export interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface ExecOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /** Exit codes that are not a failure (default: only 0). */
  ok?: readonly number[];
}

/** Runs `cmd args` and resolves with its output; rejects, with that output, on another exit code. */
export function exec(cmd: string, args: readonly string[], options: ExecOptions): Promise<Result> {
  const { cwd, env = process.env, ok = [0] } = options;
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const result = { code, stdout, stderr };
      if (code !== null && ok.includes(code)) resolve(result);
      else {
        const output = `${stdout}\n${stderr}`.trim().split('\n').slice(-40).join('\n');
        reject(new Error(`${cmd} ${args.join(' ')} (in ${cwd}) exited with ${code}:\n${output}`));
      }
    });
  });
}
