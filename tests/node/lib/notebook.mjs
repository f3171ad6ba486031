// notebook.mjs - driving a notebook in JupyterLite or JupyterLab from playwright: open it, wait for its kernel,
// run every cell, run code in its kernel, wait for the bcml widgets. Waits on observable state only.
import { watchedPage } from './browser.mjs';

const KERNEL_START = 300_000; // Pyodide on 2 cores: usually ~15 s, but allow for a loaded CI machine

/** Opens a notebook (site: a JupyterLite origin, or lab: a JupyterLab origin), waits for its kernel, runs every
 * cell; returns the page, a Python runner, the requests outside the origin and the problems (errors, 404s). */
export async function openNotebook(context, { site = null, lab = null }, name) {
  const { page, foreign, errors } = await watchedPage(context, lab ?? site);
  const missing = []; // JupyterLite asks the static server for a folder's listing before it creates the folder
  page.on('response', (r) => { if (r.status() === 404) missing.push(new URL(r.url()).pathname); });
  await page.setViewportSize({ width: 1280, height: 1400 });
  await page.goto(lab ? `${lab}/lab/tree/${name}` : `${site}/notebooks/index.html?path=${name}`);
  await page.waitForFunction(() => window.jupyterapp?.shell?.currentWidget?.sessionContext?.session?.kernel?.status === 'idle',
    null, { timeout: KERNEL_START, polling: 250 });
  await page.evaluate(() => { window.jupyterapp.commands.execute('notebook:run-all-cells'); }); /* not awaited: it ends with the cells */
  /** Runs code in the notebook's kernel and resolves to its stdout (or rejects with the Python error). */
  const python = (code) => page.evaluate((src) => new Promise((ok, fail) => {
    const kernel = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
    let out = '';
    const future = kernel.requestExecute({ code: src });
    future.onIOPub = (msg) => {
      if (msg.header.msg_type === 'stream') out += msg.content.text;
      if (msg.header.msg_type === 'error') fail(new Error(`${msg.content.ename}: ${msg.content.evalue}`));
    };
    future.done.then(() => ok(out), fail);
  }), code);
  const problems = () => {
    const probes = missing.filter((p) => /^\/api\/contents\/.*all\.json$/.test(p));
    let skip = probes.length;
    return [...missing.filter((p) => !probes.includes(p)).map((p) => `404 ${p}`),
      ...errors.filter((e) => !(/status of 404/.test(e) && skip-- > 0))];
  };
  return { page, foreign, problems, python };
}

/** Waits until the n-th widget on the page has finished; its status line. */
export async function finished(page, n = 1) {
  await page.waitForFunction((k) => {
    const s = document.querySelectorAll('.bcml-widget .widget-status');
    return s.length >= k && /^(done|cancelled|failed)|^h1 against h2|^a saved sweep/.test(s[k - 1].textContent);
  }, n, { timeout: 600_000, polling: 500 });
  return page.$$eval('.bcml-widget .widget-status', (es, k) => es[k - 1].textContent, n);
}

/** Whether every code cell has run and the kernel is idle again; the error outputs so far; how many widget
 * views the outputs hold (the page draws them a moment later). */
export function cellsState(page) {
  return page.evaluate(() => {
    const nb = window.jupyterapp.shell.currentWidget;
    const cells = [...nb.model.cells].filter((c) => c.type === 'code');
    const errors = cells.flatMap((c) => c.outputs.toJSON().filter((o) => o.output_type === 'error').map((o) => `${o.ename}: ${o.evalue}`));
    const views = cells.flatMap((c) => c.outputs.toJSON().filter((o) => o.data?.['application/vnd.jupyter.widget-view+json'])).length;
    return { ran: cells.every((c) => c.executionCount !== null) && nb.sessionContext.session?.kernel?.status === 'idle', cells: cells.length, errors, views };
  });
}
