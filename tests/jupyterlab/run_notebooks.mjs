// Open each notebook in a running JupyterLab, in Debian's headless Chromium, and run it through the Run menu.
//
// Called by tests/test_jupyterlab.py as `node run_notebooks.mjs CONFIG.json`. CONFIG holds
//   url          the server's base URL ("http://127.0.0.1:PORT/")
//   token        its token
//   notebooks    paths relative to the server's root, in order
//   chromium     the browser to drive ("/usr/bin/chromium": playwright-core never downloads one)
//   userDataDir  a fresh, empty profile folder
//   screenshots  folder for one PNG per notebook
//   results      the JSON file to write (rewritten after each notebook, so a crash keeps what was done)
//   timeout      seconds one notebook may take, from opening it to its kernel going idle
// For each notebook the results hold: seconds, the kernel's status, the code cells executed and not,
// the error outputs (ename, evalue, cell), the images rendered inline in the output area (and loaded),
// the image/png outputs in the notebook's model, the page's own JavaScript errors and the screenshot.
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';

const config = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

function log(message) {
  process.stdout.write(`[jupyterlab] ${message}\n`);
}

// Runs in the page: the state of one notebook, read from JupyterLab's own model (window.jupyterapp,
// exposed by --LabApp.expose_app_in_browser) and from what the page shows.
function notebookState(name) {
  const app = window.jupyterapp;
  let panel = null;
  for (const widget of app.shell.widgets('main')) {
    if (widget.context && widget.context.path === name && widget.content && widget.content.model) panel = widget;
  }
  if (!panel) return { found: false };
  const kernel = panel.sessionContext.session ? panel.sessionContext.session.kernel : null;
  const cells = panel.content.model.cells;
  const state = {
    found: true, kernel: kernel ? kernel.status : 'none', kernelName: kernel ? kernel.name : null,
    code: 0, executed: 0, running: 0, errors: [], modelImages: 0,
  };
  for (let i = 0; i < cells.length; i++) {
    const cell = cells.get(i);
    if (cell.type !== 'code') continue;
    state.code += 1;
    if (cell.executionCount !== null && cell.executionCount !== undefined) state.executed += 1;
    if (cell.executionState === 'running') state.running += 1;
    for (const output of cell.outputs.toJSON()) {
      if (output.output_type === 'error') {
        state.errors.push({ cell: state.code, ename: output.ename, evalue: String(output.evalue).slice(0, 500) });
      }
      if (output.data && output.data['image/png'] !== undefined) state.modelImages += 1;
    }
  }
  // What the page shows: queued or running cells read "[*]:"; figures are <img> in the output areas.
  const node = panel.content.node;
  state.busyPrompts = [...node.querySelectorAll('.jp-InputArea-prompt')].filter(p => p.textContent.includes('*')).length;
  const images = [...node.querySelectorAll('.jp-OutputArea-child .jp-RenderedImage img')];
  state.inlineImages = images.length;
  state.loadedImages = images.filter(img => img.complete && img.naturalWidth > 0).length;
  state.errorAreas = node.querySelectorAll('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]').length;
  const scroller = node.querySelector('.jp-WindowedPanel-outer') || node;  // the notebook scrolls in here
  state.height = scroller.scrollHeight;
  return state;
}

async function poll(page, name, done, seconds, what) {
  const deadline = Date.now() + seconds * 1000;
  let state = null;
  let stable = 0;
  while (Date.now() < deadline) {
    state = await page.evaluate(notebookState, name);
    stable = state.found && done(state) ? stable + 1 : 0;
    if (stable >= 3) return state;  // three polls in a row: not a gap between two queued cells
    await page.waitForTimeout(250);
  }
  throw new Error(`${name}: timed out after ${seconds} s waiting for ${what}; last state ${JSON.stringify(state)}`);
}

// JupyterLab, loaded once (a fresh workspace), with its file browser showing the server's root.
async function openLab(context, pageErrors) {
  const page = await context.newPage();
  page.on('pageerror', error => pageErrors.push(String(error).slice(0, 300)));
  const url = new URL('lab', config.url);
  url.searchParams.set('reset', '');
  url.searchParams.set('token', config.token);
  await page.goto(url.toString(), { waitUntil: 'domcontentloaded', timeout: 60_000 });
  await page.waitForFunction(() => window.jupyterapp && window.jupyterapp.shell, null, { timeout: 60_000 });
  await page.locator('.jp-DirListing-item').first().waitFor({ timeout: 60_000 });
  return page;
}

async function runNotebook(page, name, result) {
  const started = Date.now();
  let mark = started;
  const phase = label => { const now = Date.now(); result.phases[label] = (now - mark) / 1000; mark = now; };
  // Open it from the file browser, as a person would, and wait for its kernel to start.
  await page.locator('.jp-DirListing-itemText', { hasText: new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) })
    .dblclick();
  await page.locator('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook').first().waitFor({ timeout: 60_000 });
  const ready = await poll(page, name, s => s.kernel === 'idle' && s.executed === 0, config.timeout, 'the kernel to start');
  result.kernelName = ready.kernelName;
  phase('open');

  // "Run" > "Run All Cells".
  await page.locator('.lm-MenuBar-itemLabel', { hasText: /^Run$/ }).click();
  await page.locator('.lm-Menu-content .lm-Menu-itemLabel', { hasText: /^Run All Cells$/ }).click();
  const state = await poll(page, name,
    s => s.kernel === 'idle' && s.running === 0 && s.busyPrompts === 0 && (s.executed === s.code || s.errors.length > 0),
    config.timeout, 'every cell to run and the kernel to go idle');
  phase('run');
  // Images render after their output arrives: give the last ones a moment to load.
  const final = await poll(page, name, s => s.loadedImages === s.inlineImages, 30, 'the inline figures to load');
  Object.assign(result, {
    kernel: final.kernel, code: state.code, executed: final.executed, errors: final.errors,
    inlineImages: final.inlineImages, loadedImages: final.loadedImages, modelImages: final.modelImages,
  });

  // Keep the executed copy beside the screenshots (the server's root is the test's temporary folder).
  await page.evaluate(() => window.jupyterapp.commands.execute('docmanager:save'));
  // One picture of the whole notebook: a viewport as tall as its content (windowing is off, so every cell is there).
  await page.setViewportSize({ width: 1280, height: Math.min(Math.max(final.height + 200, 900), 24_000) });
  await page.evaluate(name => {  // "Run All Cells" leaves it scrolled to the last cell
    for (const widget of window.jupyterapp.shell.widgets('main')) {
      if (widget.context && widget.context.path === name) {
        const scroller = widget.content.node.querySelector('.jp-WindowedPanel-outer') || widget.content.node;
        scroller.scrollTop = 0;
      }
    }
  }, name);
  await page.waitForTimeout(500);
  result.screenshot = path.join(config.screenshots, `${path.basename(name, '.ipynb')}.png`);
  await page.screenshot({ path: result.screenshot });
  phase('screenshot');
}

// Shut the notebook's kernel down (two cores are shared) and close its tab, saved or not.
async function closeNotebook(page, name) {
  await page.evaluate(async name => {
    for (const widget of [...window.jupyterapp.shell.widgets('main')]) {
      if (widget.context && widget.context.path === name) {
        if (widget.sessionContext) await widget.sessionContext.shutdown();
        widget.dispose();
      }
    }
  }, name);
  await page.setViewportSize({ width: 1280, height: 900 });
}

const results = [];
const context = await chromium.launchPersistentContext(config.userDataDir, {
  executablePath: config.chromium,
  headless: true,
  args: FLAGS,
  viewport: { width: 1280, height: 900 },
});
try {
  let pageErrors = [];
  let page = null;
  for (const name of config.notebooks) {
    const result = { notebook: name, phases: {} };
    results.push(result);
    const started = Date.now();
    try {
      if (page === null) page = await openLab(context, pageErrors);
      await runNotebook(page, name, result);
    } catch (error) {
      result.failure = String(error && error.stack ? error.stack : error).slice(0, 3000);
      if (page !== null) {
        try {
          result.screenshot = path.join(config.screenshots, `${path.basename(name, '.ipynb')}-failed.png`);
          await page.screenshot({ path: result.screenshot });
        } catch (ignored) { /* the page may be gone */ }
      }
    }
    try {
      if (page !== null) await closeNotebook(page, name);
    } catch (error) {
      // A page in an unknown state (a dialog, a crash): the next notebook gets a fresh one.
      result.closeFailure = String(error).slice(0, 300);
      await page.close({ runBeforeUnload: false }).catch(() => {});
      page = null;
    }
    if (result.failure && page !== null) {
      await page.close({ runBeforeUnload: false }).catch(() => {});
      page = null;
    }
    result.pageErrors = pageErrors.splice(0);
    result.seconds = (Date.now() - started) / 1000;
    fs.writeFileSync(config.results, JSON.stringify(results, null, 2));
    log(`${name}: ${result.seconds.toFixed(1)} s, ${result.inlineImages ?? '?'} inline figure(s), `
      + `${(result.errors || []).length} error output(s)${result.failure ? ', FAILED: ' + result.failure.split('\n')[0] : ''}`);
  }
} finally {
  await context.close();
  fs.writeFileSync(config.results, JSON.stringify(results, null, 2));
}
