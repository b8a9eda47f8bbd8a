// One pipeline run in its own process, as an action step runs it: node starts, loads the bundle,
// renders, exits. Prints one JSON line: seconds, what the run did, and this process's peak RSS.
// Usage: node bench/support/inject-once.mjs <bundle.mjs> '<RenderSidecarsOptions as JSON>'
const [bundle, optionsJson] = process.argv.slice(2);
const started = process.hrtime.bigint();
const { renderSidecars } = await import(bundle);
const marks = [];
const t0 = Date.now();
const mark = (message) =>
  marks.push(
    `${((Date.now() - t0) / 1000).toFixed(2)}s ${(process.memoryUsage.rss() / 2 ** 20).toFixed(0)}MiB ${message}`,
  );
const result = await renderSidecars(JSON.parse(optionsJson), {
  logger: { info: mark, warning: mark, notice: () => undefined, debug: () => undefined },
});
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
console.log(
  JSON.stringify({
    seconds,
    workloads: result.workloads.length,
    injected: result.injected,
    changedFiles: result.changedFiles.length,
    istioctlProcesses: result.istioctlProcesses,
    reinjectedDocuments: result.reinjectedDocuments,
    proxyImage: result.proxyImage,
    maxRssMiB: process.resourceUsage().maxRSS / 1024,
    marks,
  }),
);
