// A small Chrome DevTools Protocol client for the load-time benchmark: Chromium started by Node with
// `--remote-debugging-pipe` (commands written to its fd 3, replies and events read from its fd 4,
// each message JSON ended by a NUL byte), with no test harness between the page and its browser.

import { spawn } from 'node:child_process';

/** How long a command may wait for its reply before the client gives up, in ms. */
const REPLY_TIMEOUT_MS = 60000;

/** A Chromium process driven over its DevTools pipe. */
export class PipeBrowser {
  /** Starts `executablePath` with `args` and `--remote-debugging-pipe`. */
  constructor(executablePath, args) {
    this.nextId = 1;
    this.pending = new Map();
    this.listeners = new Set();
    this.stderr = '';
    this.died = null;
    this.child = spawn(executablePath, [...args, '--remote-debugging-pipe'], { stdio: ['ignore', 'pipe', 'pipe', 'pipe', 'pipe'] });
    this.child.stdout.resume();
    this.child.stderr.on('data', (data) => { this.stderr = (this.stderr + data).slice(-4000); });
    this.exited = new Promise((resolve) => {
      this.child.on('exit', resolve);
      this.child.on('error', resolve);
    });
    this.child.on('error', (error) => this.fail(`Chromium (${executablePath}) could not start: ${error.message}`));
    this.child.on('exit', (code, signal) => this.fail(`Chromium exited (${signal ?? `code ${code}`}); its last output:\n${this.stderr}`));
    this.child.stdio[3].on('error', () => {});
    let unread = [];
    this.child.stdio[4].on('data', (chunk) => {
      let from = 0;
      for (let end = chunk.indexOf(0); end !== -1; end = chunk.indexOf(0, from)) {
        unread.push(chunk.subarray(from, end));
        this.dispatch(JSON.parse(Buffer.concat(unread).toString('utf8')));
        unread = [];
        from = end + 1;
      }
      if (from < chunk.length) unread.push(chunk.subarray(from));
    });
  }

  /** Rejects every waiting command, and every later one, with `message`: Chromium is gone. */
  fail(message) {
    this.died ??= new Error(message);
    for (const { reject } of this.pending.values()) reject(this.died);
    this.pending.clear();
  }

  /** Hands a reply to the command waiting for it, and an event to the listeners. */
  dispatch(message) {
    if (message.id === undefined) {
      for (const listener of this.listeners) listener(message);
      return;
    }
    const waiting = this.pending.get(message.id);
    if (!waiting) return;
    this.pending.delete(message.id);
    clearTimeout(waiting.timer);
    if (message.error) waiting.reject(new Error(`${waiting.method}: ${message.error.message}`));
    else waiting.resolve(message.result);
  }

  /** Sends a command to the browser, or to the flat session `sessionId`, and resolves with its result. */
  send(method, params = {}, sessionId = undefined) {
    if (this.died) return Promise.reject(this.died);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${method}: no reply within ${REPLY_TIMEOUT_MS / 1000} s`));
      }, REPLY_TIMEOUT_MS);
      this.pending.set(id, { method, resolve, reject, timer });
      this.child.stdio[3].write(`${JSON.stringify({ id, method, params, sessionId })}\0`);
    });
  }

  /** Calls `listener` with every event (`{method, params, sessionId}`) until the returned function is called. */
  listen(listener) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A new tab (at about:blank) and a flat session attached to it: `{targetId, send(method, params)}`. */
  async newPage() {
    const { targetId } = await this.send('Target.createTarget', { url: 'about:blank' });
    const { sessionId } = await this.send('Target.attachToTarget', { targetId, flatten: true });
    return { targetId, sessionId, send: (method, params) => this.send(method, params, sessionId) };
  }

  /** Closes the tab of `page`. */
  async closePage(page) {
    await this.send('Target.closeTarget', { targetId: page.targetId });
  }

  /** Asks Chromium to quit, and kills it if it has not within 10 s. */
  async close() {
    if (!this.died) await this.send('Browser.close').catch(() => {});
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10000);
    await this.exited;
    clearTimeout(timer);
  }
}
