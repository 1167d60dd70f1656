// What the journey suite needs around the browser: the real server started with `npm start`,
// operator commands, accessibility audits, screenshots and timings.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { freePort } from '../../scripts/free-port.js';
import { answersOk, waitUntil } from '../support/wait.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
export const artifactsDir = path.join(root, 'test', 'artifacts');
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface Operator {
  env: Record<string, string>;
  origin: string;
  /** Everything the server printed, across restarts. */
  log(): string;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Resolves when `npm start` has exited, however it was stopped. */
  exited(): Promise<void>;
  /** `npm run <script> -- args`, as an operator types it; resolves with its output. */
  npm(script: string, args?: string[]): Promise<string>;
}

export async function operatorFor(extraEnv: Record<string, string>): Promise<Operator> {
  const port = await freePort();
  // localhost, not 127.0.0.1: WebAuthn refuses an IP address as relying party.
  const origin = `http://localhost:${port}`;
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/tmp',
    PORT: String(port),
    HOST: '127.0.0.1',
    PUBLIC_ORIGIN: origin,
    LOG_LEVEL: 'debug',
    ...extraEnv,
  };
  let output = '';
  let child: ChildProcess | undefined;
  let exited: Promise<void> | undefined;

  const run = (args: string[]) => spawn('npm', args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });

  return {
    env,
    origin,
    log: () => output,
    async start() {
      child = run(['start']);
      child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
      child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
      exited = new Promise((resolve) => child!.once('exit', () => resolve()));
      await waitUntil(
        () => {
          if (child!.exitCode !== null) throw new Error(`npm start exited:\n${output}`);
          return answersOk(`${origin}/readyz`);
        },
        () => `server not ready:\n${output}`,
        { timeoutMs: 120_000, intervalMs: 200 },
      );
    },
    exited: () => exited ?? Promise.resolve(),
    async stop() {
      if (!child || child.exitCode !== null || child.signalCode !== null) return;
      // npm and the server share a process group: signal the group, as a terminal would.
      try {
        process.kill(-child.pid!, 'SIGTERM');
      } catch {
        return; // already gone (npm stop, say)
      }
      await exited;
      // npm may exit before the server has finished closing: wait for the whole group.
      const groupGone = () => {
        try {
          process.kill(-child!.pid!, 0);
          return false;
        } catch {
          return true;
        }
      };
      await waitUntil(groupGone, 'the server process group gone', { timeoutMs: 30_000, intervalMs: 100 });
    },
    npm(script, args = []) {
      return new Promise((resolve, reject) => {
        const command = run(['run', '--silent', script, ...(args.length ? ['--', ...args] : [])]);
        let text = '';
        command.stdout!.on('data', (c: Buffer) => (text += c.toString()));
        command.stderr!.on('data', (c: Buffer) => (text += c.toString()));
        command.once('exit', (code) => (code === 0 ? resolve(text) : reject(new Error(`npm run ${script} failed (${code}):\n${text}`))));
      });
    },
  };
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/** Serious and critical axe-core findings on the page as it is now. */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  // Instrumentation only: axe builds DOM from strings, which the enforced Trusted Types would refuse.
  await page.evaluate(() => {
    const tt = (window as unknown as { trustedTypes?: { defaultPolicy: unknown; createPolicy(name: string, rules: object): unknown } }).trustedTypes;
    if (tt && !tt.defaultPolicy) tt.createPolicy('default', { createHTML: (s: string) => s, createScript: (s: string) => s, createScriptURL: (s: string) => s });
  });
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<{ violations: AxeViolation[] }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target })) }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

export function describeViolations(url: string, violations: AxeViolation[]): string {
  return violations.map((v) => `${url}: ${v.impact} ${v.id} — ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`).join('\n');
}

/** Screenshots at 1280 and 375 px, for a reviewer to see what people see. */
export async function screenshots(page: Page, name: string): Promise<void> {
  mkdirSync(artifactsDir, { recursive: true });
  const size = page.viewportSize() ?? { width: 1280, height: 900 };
  for (const width of [1280, 375]) {
    await page.setViewportSize({ width, height: 900 });
    await page.screenshot({ path: path.join(artifactsDir, `${name}-${width}.png`), fullPage: true });
  }
  await page.setViewportSize(size);
}

export class Timings {
  private readonly entries: [string, number][] = [];
  add(label: string, ms: number): void {
    this.entries.push([label, ms]);
  }
  async measure<T>(label: string, work: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      return await work();
    } finally {
      this.add(label, performance.now() - started);
    }
  }
  report(title: string): string {
    const width = Math.max(...this.entries.map(([l]) => l.length));
    return [title, ...this.entries.map(([label, ms]) => `  ${label.padEnd(width)}  ${ms.toFixed(0).padStart(6)} ms`)].join('\n');
  }
}
