// lite-csp.mjs - gives every page of the JupyterLite site (dist/lite) a Content Security Policy, as the app
// has: nothing may be fetched from, sent to or framed from another origin. JupyterLab needs more than the
// app ('unsafe-eval' for its JSON-schema validators, inline styles, blob: workers and the widget's blob:
// modules), so the policy allows those; each page's own inline script is allowed by its hash only.
// Usage: node scripts/lite-csp.mjs DIST_LITE
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const pages = (dir) => readdirSync(dir).flatMap((f) => {
  const p = join(dir, f);
  return statSync(p).isDirectory() ? pages(p) : f.endsWith('.html') ? [p] : [];
});

export function policy(html) {
  // inline scripts that run (a JSON data block is not a script)
  const hashes = [...html.matchAll(/<script(?![^>]*\bsrc=)(?![^>]*type="application\/json")[^>]*>([\s\S]*?)<\/script>/g)]
    .map((m) => `'sha256-${createHash('sha256').update(m[1]).digest('base64')}'`);
  return ["default-src 'self'", `script-src 'self' 'wasm-unsafe-eval' 'unsafe-eval' blob: ${hashes.join(' ')}`.trim(), "worker-src 'self' blob:",
    "connect-src 'self' blob: data:", "img-src 'self' data: blob:", "font-src 'self' data:", "style-src 'self' 'unsafe-inline'",
    "frame-src 'self'", "manifest-src 'self'", "object-src 'none'", "base-uri 'self'", "form-action 'self'"].join('; ');
}

const dist = process.argv[2];
let n = 0;
for (const page of pages(dist)) {
  const html = readFileSync(page, 'utf8');
  if (html.includes('http-equiv="Content-Security-Policy"')) continue;
  const head = html.match(/<head[^>]*>/);
  if (!head) throw new Error(`${page}: no <head> to put the policy in`);
  const end = head.index + head[0].length;
  writeFileSync(page, `${html.slice(0, end)}\n    <meta http-equiv="Content-Security-Policy" content="${policy(html)}">${html.slice(end)}`);
  n++;
}
console.log(`lite-csp: a policy on ${n} pages`);
