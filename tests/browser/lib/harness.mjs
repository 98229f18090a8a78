// harness.mjs: what taizhang's browser tests share (Node, playwright-core
// driving Debian's chromium, axe-core for accessibility).
//
// - check(name, cond, detail) prints "ok - NAME" or "not ok - NAME" with
//   "#   detail" lines, as tests/run counts them; section(name, fn) runs an
//   async step and turns an exception into one failing check; done() exits.
// - Server: a fresh ledger (or the demo ledger) in a temporary directory,
//   staff accounts, departments and areas, and `taizhang serve` on a port of
//   its own, as tests/e2e/harness.py does; stop() checks the exit status and
//   that no sanitizer spoke; restart() comes back on the same port. With
//   TAIZHANG_TEST_PG (a PostgreSQL base URL, from `tests/run --pg`) the
//   ledger is a fresh database of that cluster instead, made with psql and
//   dropped by close().
// - launch(): chromium headless; contexts for a phone (375×812, touch) and a
//   desk (1366×768); every page's console errors (a CSP refusal among them)
//   and failed requests are collected and reported.
// - axe(page, label): axe-core in the page; serious or critical violations
//   fail. budget(...): bytes and requests of a page from the network events.
// - shot(page, name): a screenshot under BUILD/artifacts/browser/.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const here = path.dirname(fileURLToPath(import.meta.url));
export const ROOT = path.resolve(here, '..', '..', '..');
export const BIN = path.resolve(process.env.TAIZHANG_BIN || path.join(ROOT, 'build', 'taizhang'));
export const ARTIFACTS = path.join(path.dirname(BIN), 'artifacts', 'browser');
const require = createRequire(import.meta.url);

// ------------------------------------------------------------------ reporting

const counts = { ok: 0, fail: 0 };
const seen = new Map();

export function check(name, cond, detail = '') {
  name = String(name).split(/\s+/).join(' ');
  const n = (seen.get(name) || 0) + 1;
  seen.set(name, n);
  if (n > 1) name = `${name} (${n})`;
  if (cond) {
    counts.ok++;
    console.log('ok - ' + name);
  } else {
    counts.fail++;
    console.log('not ok - ' + name);
    for (const line of String(detail).split('\n')) console.log('#   ' + line);
  }
  return !!cond;
}

export function note(text) {
  for (const line of String(text).split('\n')) console.log('# ' + line);
}

/** Run one step; an exception is one failing check, and the next step runs. */
export async function section(name, fn) {
  try {
    return await fn();
  } catch (e) {
    check(`${name}: runs to the end`, false, (e && e.stack) || String(e));
    return undefined;
  }
}

export function done() {
  note(`${counts.ok} ok, ${counts.fail} not ok`);
  process.exit(counts.fail || !counts.ok ? 1 : 0);
}

// ------------------------------------------------------------------ chromium

/** The chromium to drive: $CHROMIUM, else Debian's. */
export function chromiumPath() {
  for (const p of [process.env.CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser']) {
    if (p && fs.existsSync(p)) return p;
  }
  return null;
}

let pw = null;
export async function launch() {
  pw = pw || (await import('playwright-core'));
  // Why --no-sandbox: CI and the developers' machines run as root, where
  // chromium refuses its sandbox; the browser only visits our own server.
  return pw.chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu', '--lang=zh-CN'],
  });
}

export const PHONE = {
  viewport: { width: 375, height: 812 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
  locale: 'zh-CN',
  timezoneId: 'Asia/Shanghai',
  userAgent: 'Mozilla/5.0 (Linux; Android 13; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) ' +
    'Chrome/120.0 Mobile Safari/537.36 taizhang-browser-test',
};
export const DESK = {
  viewport: { width: 1366, height: 768 },
  locale: 'zh-CN',
  timezoneId: 'Asia/Shanghai',
};

/** Problems the pages of a context report: console errors (a CSP refusal is
 * one), uncaught exceptions, failed requests and 5xx answers. */
export function watch(context, label) {
  const problems = [];
  context.on('page', (page) => {
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`${label} console: ${m.text()} (${page.url()})`);
    });
    page.on('pageerror', (e) => problems.push(`${label} exception: ${e.message} (${page.url()})`));
    page.on('requestfailed', (r) => {
      const why = r.failure() ? r.failure().errorText : '';
      if (!/ERR_ABORTED/.test(why)) problems.push(`${label} request failed: ${r.url()} ${why}`);
    });
    page.on('response', (r) => {
      if (r.status() >= 500) problems.push(`${label} ${r.status()} from ${r.url()}`);
    });
  });
  return problems;
}

// ------------------------------------------------------------------ artifacts

let shotNo = 0;
/** A screenshot of the whole page as BUILD/artifacts/browser/TEST-NN-NAME.png. */
export async function shot(page, name, opts = {}) {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const test = path.basename(process.argv[1] || 'test', '.mjs');
  if (shotNo === 0) { // this test's screenshots of an earlier run go first
    for (const f of fs.readdirSync(ARTIFACTS)) if (f.startsWith(`${test}-`)) fs.rmSync(path.join(ARTIFACTS, f));
  }
  shotNo++;
  const file = path.join(ARTIFACTS, `${test}-${String(shotNo).padStart(2, '0')}-${name}.png`);
  await page.screenshot({ path: file, fullPage: opts.fullPage !== false, animations: 'disabled' });
  return file;
}

// ------------------------------------------------------------------ axe-core

const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** Run axe-core on the page as it is now; serious and critical violations
 * fail the check (each listed with its nodes). Returns the violations. */
export async function axeViolations(page) {
  // Why evaluate and not a <script> tag: the server's CSP (script-src
  // 'self') rightly refuses an injected inline script; evaluate runs in the
  // page through the debugging protocol and leaves the policy as it is.
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.evaluate(axeSource);
  const res = await page.evaluate(() => window.axe.run(document, {
    resultTypes: ['violations'],
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
  }));
  return res.violations;
}

export async function axe(page, label) {
  const res = { violations: await axeViolations(page) };
  const bad = res.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const minor = res.violations.filter((v) => !bad.includes(v));
  if (minor.length) note(`axe: ${label}: also ${minor.map((v) => `${v.impact} ${v.id} (${v.nodes.length})`).join(', ')}`);
  check(`axe: ${label}: no serious or critical violations`, bad.length === 0,
    bad.map((v) => `${v.impact} ${v.id}: ${v.help}\n` +
      v.nodes.slice(0, 4).map((n) => `    ${n.target.join(' ')} ${n.failureSummary.split('\n').slice(1, 2).join('')}`).join('\n'))
      .join('\n'));
  return res.violations;
}

// ------------------------------------------------------------------ budgets

/** Load url in a fresh context (nothing cached) and measure what the
 * browser fetched until the load settled: requests, and bytes on the wire
 * (headers and bodies as received). */
export async function measure(browser, options, url, before) {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  const finished = [];
  page.on('requestfinished', (r) => finished.push(r));
  if (before) await before(page);
  await page.goto(url, { waitUntil: 'networkidle' });
  let bytes = 0;
  const rows = [];
  for (const r of finished) {
    const s = await r.sizes();
    const n = s.responseHeadersSize + s.responseBodySize;
    bytes += n;
    rows.push(`${n} ${r.url().replace(/^https?:\/\/[^/]+/, '')}`);
  }
  await context.close();
  return { requests: finished.length, bytes, rows };
}

// ------------------------------------------------------------------ the server

export const USERS = [
  ['clerk1', 'clerk', null, '王芳'],
  ['leader1', 'leader', null, '陈书记'],
  ['hroad', 'handler', 'cgj', '刘承办'],
  ['hwater', 'handler', 'swj', '孙承办'],
  ['obs1', 'observer', null, '周监督'],
];
export const DEPARTMENTS = [['cgj', '城市管理局'], ['swj', '水务局']];
export const AREAS = [['xinhua', '新华社区', 'community'], ['dongfeng', '东风村', 'village']];

function cliEnv() {
  const env = { ...process.env, TAIZHANG_PWHASH: 'min' };
  delete env.TAIZHANG_DB;
  delete env.TAIZHANG_LISTEN;
  return env;
}

// ------------------------------------------------------------------ PostgreSQL

const PG_BASE = process.env.TAIZHANG_TEST_PG || '';

/** PG_BASE with dbname as its database. */
function pgUrl(dbname) {
  const u = new URL(PG_BASE);
  u.pathname = '/' + dbname;
  return u.toString();
}

function psql(sql) {
  const r = spawnSync('psql', [pgUrl('postgres'), '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-c', sql],
    { encoding: 'utf8', timeout: 60000 });
  if (r.status !== 0) throw new Error(`psql: ${sql}: ${r.error || ''} ${r.stderr}`);
}

/** A fresh database on the PG_BASE cluster (UTF8, C collation, as the ledger
 * expects); returns its URL. */
function newPgDatabase() {
  const name = `tz_${Date.now().toString(16)}${process.pid.toString(16)}${Math.floor(Math.random() * 0xffffff).toString(16)}`;
  psql(`CREATE DATABASE ${name} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'`);
  return pgUrl(name);
}

function dropPgDatabase(url) {
  const name = new URL(url).pathname.slice(1);
  if (!/^tz_[0-9a-f]+$/.test(name)) throw new Error(`not a test database: ${url}`);
  psql(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
}

function cli(args, input, cwd) {
  const r = spawnSync(BIN, args, { input: input || '', env: cliEnv(), cwd, encoding: 'utf8', timeout: 120000 });
  if (r.status !== 0) throw new Error(`taizhang ${args.join(' ')} failed (${r.status}): ${r.stdout} ${r.stderr}`);
  return r.stdout;
}

const SANITIZER = /ERROR: AddressSanitizer|runtime error:|LeakSanitizer|==\d+== (Invalid |Conditional jump|Use of uninitialised)|(definitely|indirectly) lost in/;

export class Server {
  /** demo: load the demo ledger instead of an empty one. */
  constructor({ label = 'server', demo = false } = {}) {
    this.label = label;
    this.demo = demo;
    this.passwords = {};
    this.proc = null;
    this.port = 0;
  }

  url(p = '/') {
    return `http://127.0.0.1:${this.port}${p}`;
  }

  async start() {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tz-browser-'));
    this.db = path.join(this.dir, 't.db');
    if (PG_BASE) {
      // dropped by close(), or when node exits without it (a test that died)
      const url = this.db = newPgDatabase();
      this.dropPg = () => { try { dropPgDatabase(url); } catch { /* node is exiting anyway */ } };
      process.once('exit', this.dropPg);
    }
    if (this.demo) {
      const out = cli(['demo', '--db', this.db, '--no-serve'], '', this.dir);
      // "login  password  name" rows: the demo's accounts
      for (const m of out.matchAll(/^(\S+)\s+(\S+@2026demo)\s/gm)) this.passwords[m[1]] = m[2];
    } else {
      cli(['init', '--db', this.db], '', this.dir);
      this.addUser('admin', 'admin', null, '管理员');
    }
    await this.spawn(0);
    if (!this.demo) {
      await this.catalog();
      for (const [login, role, dept, name] of USERS) this.addUser(login, role, dept, name);
    }
    return this;
  }

  addUser(login, role, dept, name) {
    const pw = `pw-${login}-2026`;
    const args = ['user', 'add', login, '--role', role, '--name', name, '--db', this.db];
    if (dept) args.push('--department', dept);
    cli(args, pw + '\n', this.dir);
    this.passwords[login] = pw;
  }

  /** Start `taizhang serve` on port (0: any) and wait for its listening line. */
  async spawn(port) {
    this.outPath = path.join(this.dir, 'stdout.log');
    this.errPath = path.join(this.dir, 'stderr.log');
    const out = fs.openSync(this.outPath, 'w');
    const err = fs.openSync(this.errPath, 'a');
    this.proc = spawn(BIN, ['serve', '--db', this.db, '--listen', `127.0.0.1:${port}`, '--submit-limit', '0'],
      { cwd: this.dir, env: cliEnv(), stdio: ['ignore', out, err] });
    fs.closeSync(out);
    fs.closeSync(err);
    // A test that dies (an uncaught error, an unfinished await) must not
    // leave its server running: killed when node exits, whatever the reason.
    const proc = this.proc;
    const reap = () => { if (proc.exitCode === null) proc.kill('SIGKILL'); };
    process.once('exit', reap);
    const exited = new Promise((resolve) => this.proc.once('exit', (code) => {
      process.removeListener('exit', reap);
      resolve(code);
    }));
    this.exited = exited;
    const deadline = Date.now() + 20000;
    while (Date.now() < deadline) {
      const m = /taizhang: listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(fs.readFileSync(this.outPath, 'utf8'));
      if (m) {
        this.port = +m[1];
        return;
      }
      if (this.proc.exitCode !== null) break;
      await sleep(25);
    }
    throw new Error(`server did not start: ${fs.readFileSync(this.errPath, 'utf8').slice(-2000)}`);
  }

  /** Departments and areas through the admin pages, over plain HTTP. */
  async catalog() {
    const pwmod = pw || (await import('playwright-core'));
    pw = pwmod;
    const api = await pwmod.request.newContext({ baseURL: this.url() });
    try {
      await this.signIn(api, 'admin');
      for (const [kind, rows] of [['departments', DEPARTMENTS], ['areas', AREAS]]) {
        for (const [code, name, areaKind] of rows) {
          const page = await api.get(`/staff/admin/${kind}`);
          const csrf = /name="csrf" value="([^"]+)"/.exec(await page.text())[1];
          const r = await api.post(`/staff/admin/${kind}`, {
            form: { csrf, op: 'save', code, name, active: '1', ...(areaKind ? { kind: areaKind } : {}) },
            maxRedirects: 0,
          });
          if (![200, 303].includes(r.status())) throw new Error(`creating ${kind} ${code}: ${r.status()}`);
        }
      }
    } finally {
      await api.dispose();
    }
  }

  async signIn(api, login) {
    const page = await api.get('/login');
    const csrf = /name="csrf" value="([^"]+)"/.exec(await page.text())[1];
    const r = await api.post('/login', { form: { csrf, login, password: this.passwords[login] }, maxRedirects: 0 });
    if (r.status() !== 303) throw new Error(`sign-in of ${login}: ${r.status()}`);
  }

  /** A new API key of role (the staff JSON API), through the CLI. */
  apiKey(name, role, dept) {
    const args = ['apikey', 'add', name, '--role', role, '--db', this.db];
    if (dept) args.push('--department', dept);
    return cli(args, '', this.dir).trim().split(/\s+/).pop();
  }

  /** One staff-API call; returns the parsed answer (throws on a non-2xx). */
  async api(key, method, p, body) {
    const r = await fetch(this.url('/api/v1' + p), {
      method,
      headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await r.text();
    if (!r.ok) throw new Error(`${method} ${p}: ${r.status} ${text}`);
    return JSON.parse(text);
  }

  /** SIGTERM; checks exit status 0 and no sanitizer report. */
  async stop({ report = true } = {}) {
    if (!this.proc) return;
    const p = this.proc;
    this.proc = null;
    let code = p.exitCode;
    if (code === null) {
      p.kill('SIGTERM');
      code = await Promise.race([this.exited, sleep(15000).then(() => 'timeout')]);
      if (code === 'timeout') p.kill('SIGKILL');
    }
    if (!report) return;
    const err = fs.readFileSync(this.errPath, 'utf8');
    const m = SANITIZER.exec(err);
    check(`${this.label}: exits with status 0 on SIGTERM`, code === 0, `exit ${code}\n${err.slice(-1500)}`);
    check(`${this.label}: no sanitizer report`, !m, m ? err.slice(Math.max(0, m.index - 200), m.index + 3000) : '');
  }

  /** Stop it and start it again on the same port and ledger. */
  async restart() {
    const port = this.port;
    await this.stop();
    const deadline = Date.now() + 10000;
    for (;;) {
      try {
        await this.spawn(port);
        return;
      } catch (e) {
        if (Date.now() > deadline) throw e;
        await sleep(200);
      }
    }
  }

  stderr() {
    try {
      return fs.readFileSync(this.errPath, 'utf8');
    } catch {
      return '';
    }
  }

  async close({ report = true } = {}) {
    await this.stop({ report });
    if (!process.env.TZ_BROWSER_KEEP) {
      fs.rmSync(this.dir, { recursive: true, force: true });
      if (this.dropPg) {
        process.removeListener('exit', this.dropPg);
        this.dropPg = null;
        dropPgDatabase(this.db);
      }
    }
  }
}

export function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

/** Sign a page's context in through the sign-in form. */
export async function login(page, server, who) {
  await page.goto(server.url('/login'));
  await page.fill('#login', who);
  await page.fill('#password', server.passwords[who]);
  await Promise.all([page.waitForURL(/\/staff/), page.click('main button[type=submit]')]);
}

/** A small valid PNG (a 64×48 photo-like gradient), made here. */
export function pngPhoto() {
  const zlib = require('node:zlib');
  const w = 64, h = 48;
  const raw = Buffer.alloc((w * 3 + 1) * h);
  for (let y = 0; y < h; y++) {
    raw[y * (w * 3 + 1)] = 0;
    for (let x = 0; x < w; x++) {
      const o = y * (w * 3 + 1) + 1 + x * 3;
      raw[o] = 90 + x * 2; raw[o + 1] = 120 + y * 2; raw[o + 2] = 160;
    }
  }
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf) => {
    let c = 0xffffffff;
    for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type, data) => {
    const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const c = Buffer.alloc(4); c.writeUInt32BE(crc(td));
    return Buffer.concat([len, td, c]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0); ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8; ihdr[9] = 2; ihdr[10] = 0; ihdr[11] = 0; ihdr[12] = 0;
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr), chunk('IDAT', zlib.deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}
