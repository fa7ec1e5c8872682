// `redline serve`: a small local web UI over a results folder. It lists the runs, newest
// first, with their verdicts, filterable by verdict and test name, each linking to its
// report, and serves the files of each run folder (reports, logs, histories).
//
// Bounded and local: it listens on 127.0.0.1 only, answers only requests addressed to
// 127.0.0.1 or localhost (no DNS rebinding), only GET and HEAD, only files inside a run
// folder it lists (no `..`, no dot files, no symlink leading out), with connection and time
// limits; every string it writes into a page is escaped, and pages carry a Content Security
// Policy that lets nothing be fetched from elsewhere. A run without report.html (an older run)
// gets one rendered on request, in memory, one at a time.
import { createReadStream, realpathSync, statSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, join, resolve, sep } from "node:path";
import { listRuns, type RunEntry } from "../core/run-folder.js";
import { count, esc, verdictClass, verdictWord } from "./format.js";
import { renderReports } from "./index.js";
import { loadRun, REPORT_FILES, runFiles } from "./run-data.js";

const HOST = "127.0.0.1";
/** Runs listed per page. */
const PAGE_SIZE = 200;
const MAX_URL = 2048;

export interface ServeOptions {
  resultsDir: string;
  /** 0 picks a free port (the CLI's default is 8421). */
  port: number;
}

export interface RunningServer {
  url: string;
  port: number;
  server: Server;
  close(): Promise<void>;
}

const PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";
// Run files: redline's own pages (the linearizability view has a few lines of inline script); nothing external.
const FILE_CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:; base-uri 'none'; frame-ancestors 'none'";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".xml": "application/xml; charset=utf-8",
  ".md": "text/plain; charset=utf-8",
  ".jsonl": "text/plain; charset=utf-8",
  ".edn": "text/plain; charset=utf-8",
  ".yaml": "text/plain; charset=utf-8",
  ".log": "text/plain; charset=utf-8",
  ".conf": "text/plain; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".gz": "application/gzip",
};

export async function serve(opts: ServeOptions): Promise<RunningServer> {
  const root = resolve(opts.resultsDir);
  let port = opts.port;
  let rendering: Promise<unknown> = Promise.resolve();
  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) send(res, 500, "text/plain; charset=utf-8", `internal error: ${(err as Error).message}\n`);
      else res.destroy();
    });
  });
  server.maxConnections = 64;
  server.headersTimeout = 10_000;
  server.requestTimeout = 60_000;
  server.keepAliveTimeout = 5_000;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const rawUrl = req.url ?? "/";
    if (rawUrl.length > MAX_URL) return send(res, 414, "text/plain; charset=utf-8", "URI too long\n");
    const host = (req.headers.host ?? "").toLowerCase();
    if (host !== `${HOST}:${port}` && host !== `localhost:${port}`) return send(res, 403, "text/plain; charset=utf-8", "only requests to this machine's loopback address are answered\n");
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.setHeader("Allow", "GET, HEAD");
      return send(res, 405, "text/plain; charset=utf-8", "only GET and HEAD\n");
    }
    const url = new URL(rawUrl, `http://${HOST}:${port}`);
    let parts: string[];
    try {
      parts = url.pathname.split("/").filter(Boolean).map(decodeURIComponent);
    } catch {
      return notFound(res);
    }
    if (parts.length === 0) return page(res, indexPage(root, url.searchParams));
    if (parts[0] !== "runs" || parts.length < 3) return notFound(res);
    const [, name, stamp, ...rest] = parts;
    const run = listRuns(root).find((r) => r.name === name && r.stamp === stamp);
    if (!run) return notFound(res);
    if (rest.length === 0) {
      if (!url.pathname.endsWith("/")) return redirect(res, `/runs/${encodeURIComponent(name)}/${encodeURIComponent(stamp)}/`);
      return page(res, runPage(run));
    }
    if (rest.some((p) => p.startsWith(".") || !/^[A-Za-z0-9._+@-]+$/.test(p))) return notFound(res);
    const file = join(run.dir, ...rest);
    const real = safeRealpath(file);
    const runReal = safeRealpath(run.dir);
    if (!real || !runReal || !(real === runReal || real.startsWith(runReal + sep))) {
      if (rest.length === 1 && rest[0] === REPORT_FILES.html && run.results) return renderedReport(res, req, run);
      return notFound(res);
    }
    const st = statSync(real);
    if (!st.isFile()) return notFound(res);
    res.statusCode = 200;
    res.setHeader("Content-Type", TYPES[extname(real)] ?? "application/octet-stream");
    res.setHeader("Content-Length", st.size);
    res.setHeader("X-Content-Type-Options", "nosniff");
    res.setHeader("Content-Security-Policy", FILE_CSP);
    res.setHeader("Cache-Control", "no-cache");
    if (req.method === "HEAD") return void res.end();
    await new Promise<void>((done) => {
      const stream = createReadStream(real);
      stream.on("error", () => {
        res.destroy();
        done();
      });
      stream.on("end", () => done());
      stream.pipe(res);
    });
  }

  /** A run from before reports existed: render its report now, one at a time, without writing it. */
  async function renderedReport(res: ServerResponse, req: IncomingMessage, run: RunEntry): Promise<void> {
    const job = rendering.then(async () => (await renderReports(loadRun(run.dir))).html);
    rendering = job.catch(() => undefined);
    const html = await job;
    res.setHeader("Content-Security-Policy", FILE_CSP);
    send(res, 200, "text/html; charset=utf-8", req.method === "HEAD" ? "" : html);
  }

  await new Promise<void>((done, fail) => {
    server.once("error", fail);
    server.listen(port, HOST, () => {
      server.off("error", fail);
      done();
    });
  });
  port = (server.address() as AddressInfo).port;
  const url = `http://${HOST}:${port}/`;
  return {
    url,
    port,
    server,
    close: () =>
      new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      }),
  };
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.statusCode = status;
  res.setHeader("Content-Type", type);
  res.setHeader("Content-Length", Buffer.byteLength(body));
  res.setHeader("X-Content-Type-Options", "nosniff");
  res.end(body);
}

function page(res: ServerResponse, html: string): void {
  res.setHeader("Content-Security-Policy", PAGE_CSP);
  res.setHeader("Cache-Control", "no-cache");
  send(res, 200, "text/html; charset=utf-8", html);
}

function notFound(res: ServerResponse): void {
  send(res, 404, "text/plain; charset=utf-8", "not found\n");
}

function redirect(res: ServerResponse, to: string): void {
  res.statusCode = 302;
  res.setHeader("Location", to);
  res.end();
}

function safeRealpath(p: string): string | undefined {
  try {
    return realpathSync(p);
  } catch {
    return undefined;
  }
}

const VERDICTS = ["all", "invalid", "unknown", "valid", "incomplete"] as const;

function runVerdict(r: RunEntry): "valid" | "invalid" | "unknown" | "incomplete" {
  return r.results ? verdictClass(r.results.valid) : "incomplete";
}

/** 20261124T074745921Z -> 2026-11-24 07:47:45 UTC */
export function stampTime(stamp: string): string {
  const m = /^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)/.exec(stamp);
  return m ? `${m[1]}-${m[2]}-${m[3]} ${m[4]}:${m[5]}:${m[6]} UTC` : stamp;
}

function runHref(r: RunEntry, file = ""): string {
  return `/runs/${encodeURIComponent(r.name)}/${encodeURIComponent(r.stamp)}/${file}`;
}

const CSS = `body{font:14px/1.45 system-ui,sans-serif;margin:0;background:#f6f6f4;color:#1d1d1f}
header{background:#1d1d1f;color:#fff;padding:12px 24px}header h1{margin:0;font-size:19px}header .meta{color:#bbb;font-size:13px}
main{padding:12px 24px;max-width:1200px}
form{margin:8px 0 14px;display:flex;gap:12px;align-items:center;flex-wrap:wrap}
input,select,button{font:inherit;padding:3px 6px}
table{border-collapse:collapse;background:#fff;font-size:13px}th,td{text-align:left;padding:5px 10px;border-bottom:1px solid #eee;vertical-align:top}
thead th{background:#efefef}td.why{max-width:520px;color:#333}
.badge{display:inline-block;padding:1px 8px;border-radius:10px;font-weight:600;font-size:12px;color:#fff;background:#888}
.badge.valid{background:#2e7d32}.badge.invalid{background:#c62828}.badge.unknown{background:#8d6e00}.badge.incomplete{background:#777}
a{color:#1d4f91}.note{color:#555}`;

function indexPage(root: string, params: URLSearchParams): string {
  const all = listRuns(root);
  const verdictParam = params.get("verdict") ?? "all";
  const verdict = (VERDICTS as readonly string[]).includes(verdictParam) ? verdictParam : "all";
  const q = (params.get("q") ?? "").slice(0, 200);
  const pageNo = Math.max(1, Math.min(1e6, Math.floor(Number(params.get("page") ?? "1")) || 1));
  const matching = all.filter((r) => (verdict === "all" || runVerdict(r) === verdict) && (q === "" || r.name.toLowerCase().includes(q.toLowerCase())));
  const shown = matching.slice((pageNo - 1) * PAGE_SIZE, pageNo * PAGE_SIZE);
  const rows = shown.map((r) => {
    const v = runVerdict(r);
    const checkers = r.results ? Object.entries(r.results.checkers ?? {}) : [];
    const why = checkers.filter(([, c]) => c.valid !== true).map(([n, c]) => `${n}: ${String(c.summary ?? "")}`)[0] ?? (r.results?.error ? `error: ${r.results.error}` : "");
    const ops = r.results ? count(r.results.opCounts?.invoke ?? 0) : "–";
    return `<tr class="run" data-verdict="${v}" data-name="${esc(r.name)}"><td>${esc(stampTime(r.stamp))}</td><td>${esc(r.name)}</td><td><span class="badge ${v}">${v === "incomplete" ? "incomplete" : verdictWord(r.results?.valid)}</span></td><td>${ops}</td><td class="why">${esc(why.length > 240 ? `${why.slice(0, 239)}…` : why)}</td><td><a class="report-link" href="${runHref(r, REPORT_FILES.html)}">report</a> · <a href="${runHref(r)}">files</a></td></tr>`;
  });
  const options = VERDICTS.map((v) => `<option value="${v}"${v === verdict ? " selected" : ""}>${v}</option>`).join("");
  const counts = VERDICTS.filter((v) => v !== "all")
    .map((v) => `${all.filter((r) => runVerdict(r) === v).length} ${v}`)
    .join(", ");
  const pages = Math.max(1, Math.ceil(matching.length / PAGE_SIZE));
  const nav =
    pages > 1
      ? `<p>${pageNo > 1 ? `<a href="?${new URLSearchParams({ verdict, q, page: String(pageNo - 1) })}">newer</a> ` : ""}page ${pageNo} of ${pages}${pageNo < pages ? ` <a href="?${new URLSearchParams({ verdict, q, page: String(pageNo + 1) })}">older</a>` : ""}</p>`
      : "";
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>redline runs</title><style>${CSS}</style></head><body>
<header><h1>redline runs</h1><div class="meta">${esc(root)} · ${all.length} runs: ${esc(counts)}</div></header>
<main>
<form method="get" action="/" id="filter"><label>verdict <select name="verdict">${options}</select></label><label>test name <input type="search" name="q" value="${esc(q)}" placeholder="contains…"></label><button type="submit">filter</button>${verdict !== "all" || q ? ` <a href="/">clear</a>` : ""}</form>
${rows.length ? `<table id="runs"><thead><tr><th>started</th><th>test</th><th>verdict</th><th>ops</th><th>why</th><th></th></tr></thead><tbody>${rows.join("")}</tbody></table>` : `<p class="note" id="no-runs">No run matches.</p>`}
${nav}
<p class="note">Newest first. Each run's folder is under ${esc(root)}; <code>redline report &lt;run folder&gt;</code> re-renders a report, <code>redline archive &lt;run folder&gt;</code> packs a run into one file.</p>
</main></body></html>`;
}

function runPage(r: RunEntry): string {
  const files = runFiles(r.dir);
  const v = runVerdict(r);
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>${esc(r.name)} ${esc(r.stamp)}</title><style>${CSS}</style></head><body>
<header><h1>${esc(r.name)}</h1><div class="meta">${esc(stampTime(r.stamp))} · <span class="badge ${v}">${v === "incomplete" ? "incomplete" : verdictWord(r.results?.valid)}</span></div></header>
<main><p><a href="/">all runs</a> · <a class="report-link" href="${runHref(r, REPORT_FILES.html)}">report</a></p>
<ul>${files.map((f) => `<li><a href="${runHref(r, f.split("/").map(encodeURIComponent).join("/"))}">${esc(f)}</a></li>`).join("")}</ul></main></body></html>`;
}
