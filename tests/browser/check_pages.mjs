// Opens each page in headless Chromium (Debian's chromium, driven by playwright-core) the way a
// user would, and fails on what a user would see as broken:
//   a JavaScript error or console error; an image that did not load; a chart canvas without a
//   Chart.js chart, without data points or left blank; any request that leaves the machine
//   (the pages must work offline); a report written during training (a page in a folder named
//   "live") that does not reload itself, or any other page that does.
// A full-page screenshot of each page goes to SCREENSHOT_DIR for a person to look at.
//   node check_pages.mjs SCREENSHOT_DIR PAGE.html [PAGE.html ...]
import { chromium } from 'playwright-core';
import { basename, dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [screenshotDir, ...pages] = process.argv.slice(2);
if (!screenshotDir || pages.length === 0) {
  console.error('usage: node check_pages.mjs SCREENSHOT_DIR PAGE.html [PAGE.html ...]');
  process.exit(2);
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  // Without the background-networking flags Chromium tries to reach Google's hosts at start.
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
         '--disable-component-update', '--disable-sync'],
});
let failures = 0;
for (const file of pages) {
  const problems = [];
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  page.on('pageerror', (error) => problems.push(`JavaScript error: ${error.message}`));
  page.on('console', (message) => { if (message.type() === 'error') problems.push(`console error: ${message.text()}`); });
  page.on('request', (request) => {
    const url = request.url();
    if (!url.startsWith('file:') && !url.startsWith('data:')) problems.push(`request leaving the machine: ${url}`);
  });
  page.on('requestfailed', (request) => problems.push(`failed to load: ${request.url().slice(0, 120)}`));
  await page.goto(pathToFileURL(resolve(file)).href, { waitUntil: 'load' });

  const images = await page.$$eval('img', (all) => all.map((img) => ({
    name: img.alt || img.src.slice(0, 60), ok: img.complete && img.naturalWidth > 0 && img.naturalHeight > 0,
  })));
  if (images.length === 0) problems.push('the page has no images');
  for (const image of images) if (!image.ok) problems.push(`broken image: ${image.name}`);

  // Every chart canvas must hold a Chart.js chart with data, drawn (some pixel not transparent).
  const charts = await page.evaluate(() => Array.from(document.querySelectorAll('canvas[id^="chart-"]')).map((canvas) => {
    const chart = typeof Chart === 'undefined' ? undefined : Chart.getChart(canvas);
    const points = chart ? chart.data.datasets.reduce((n, d) => n + d.data.filter((v) => v !== null).length, 0) : 0;
    const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    let painted = 0;
    for (let i = 3; i < pixels.length; i += 4) if (pixels[i] !== 0) painted++;
    return { id: canvas.id, chart: !!chart, points, painted };
  }));
  for (const c of charts) {
    if (!c.chart) problems.push(`${c.id}: no chart was drawn`);
    else if (c.points === 0) problems.push(`${c.id}: the chart has no data points`);
    else if (c.painted < 500) problems.push(`${c.id}: the chart canvas is blank`);
  }
  // A report has the epochs' three charts and the steps' four; an explain page, Grad-CAM and
  // saliency for each image it explains.
  if (basename(file) === 'report.html') {
    for (const id of ['chart-loss', 'chart-accuracy', 'chart-lr', 'chart-step-loss', 'chart-step-accuracy', 'chart-step-lr', 'chart-step-speed'])
      if (!charts.some((c) => c.id === id)) problems.push(`no ${id} chart`);
  } else {
    const sections = await page.$$eval('section', (all) => all.length);
    for (const kind of ['Grad-CAM', 'saliency']) {
      const shown = images.filter((image) => image.name === kind).length;
      if (shown !== sections) problems.push(`${shown} ${kind} images for ${sections} explained images`);
    }
  }
  // A page in a folder named "live" is a report taken while its run trained: it says so and
  // reloads itself. Every other page must not reload (a finished run's report stays put).
  const live = await page.evaluate(() => ({
    refresh: document.querySelector('meta[http-equiv="refresh"]')?.getAttribute('content') ?? null,
    banner: document.getElementById('live')?.textContent ?? null,
  }));
  if (basename(dirname(resolve(file))) === 'live') {
    if (!live.refresh || !live.banner) problems.push('a page written during training does not reload itself or say so');
    else console.log(`${file}: reloads every ${live.refresh} s: "${live.banner.slice(0, 60)}..."`);
  } else if (live.refresh !== null) {
    problems.push(`the page reloads itself every ${live.refresh} s, but its run has ended`);
  }
  const shot = resolve(screenshotDir, `${basename(dirname(resolve(file)))}-${basename(file, '.html')}.png`);
  await page.screenshot({ path: shot, fullPage: true });
  console.log(`${file}: ${images.length} images, ${charts.length} charts; screenshot ${shot}`);
  for (const problem of problems) console.error(`${file}: ${problem}`);
  failures += problems.length;
  await page.close();
}
await browser.close();
process.exit(failures === 0 ? 0 : 1);
