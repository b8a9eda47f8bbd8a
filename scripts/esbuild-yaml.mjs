// The `yaml` package's own ES module build (its "default" export condition) for every bundle, instead
// of its Node build. The two are built from the same source; the Node build also reads
// `process.env.LOG_TOKENS` / `LOG_STREAM` (debug switches) once per token, a slow lookup that was
// about a tenth of the pin scan's CPU. The only other difference: yaml's own warnings are printed
// with console.warn rather than process.emitWarning. See docs/adr/0013 (amendment r5-c).
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const yamlDir = dirname(createRequire(import.meta.url).resolve('yaml/package.json'));

/** esbuild plugin: `import … from 'yaml'` resolves to yaml/browser/index.js. */
export const yamlModuleBuild = {
  name: 'yaml-module-build',
  setup(build) {
    build.onResolve({ filter: /^yaml$/ }, () => ({ path: join(yamlDir, 'browser/index.js') }));
  },
};
