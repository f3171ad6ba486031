// Serves a folder on 127.0.0.1 (npm start): node scripts/serve.mjs DIR [PORT]; a busy port falls back to a free one.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { serve } from './lib/serve.mjs';

const [dir = 'build/web', port = process.env.PORT ?? '8080'] = process.argv.slice(2);
const s = await serve(dir, Number(port)).catch(() => serve(dir, 0));
console.log(`bcml is served at ${s.url}/ — open it in a browser (Ctrl-C stops the server)`);
if (existsSync(join(dir, 'lite/index.html'))) console.log(`its notebooks (JupyterLite, Python in the browser): ${s.url}/lite/tree/index.html`);
