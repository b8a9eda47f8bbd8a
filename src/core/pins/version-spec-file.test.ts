import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileFormatError, InvalidInputError } from '../errors.js';
import { readVersionFile } from './version-spec-file.js';

const fixtures = new URL('./__fixtures__/version-spec-file/', import.meta.url).pathname;

function write(name: string, text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'version-file-')), name);
  writeFileSync(file, text);
  return file;
}

describe('readVersionFile', () => {
  it('reads a plain .istio-version, skipping comments and blank lines', async () => {
    expect(await readVersionFile(join(fixtures, '.istio-version'))).toMatchObject({
      version: '1.30.4',
      line: 3,
    });
  });

  it('accepts a range in a plain file', async () => {
    expect((await readVersionFile(write('.istio-version', '1.30.x\n'))).version).toBe('1.30.x');
  });

  it('reads spec.tag of an IstioOperator, with its line', async () => {
    const found = await readVersionFile(join(fixtures, 'istio-operator.yaml'));
    expect(found).toMatchObject({ version: '1.31.0', line: 9 });
  });

  it('keeps a minor such as 1.10 as written, not as the number 1.1', async () => {
    const file = write(
      'iop.yaml',
      'apiVersion: install.istio.io/v1alpha1\nkind: IstioOperator\nspec:\n  tag: 1.10\n',
    );
    expect((await readVersionFile(file)).version).toBe('1.10');
  });

  it('drops an image variant suffix from spec.tag', async () => {
    const file = write('iop.yaml', 'kind: IstioOperator\nspec:\n  tag: 1.24.2-distroless\n');
    expect((await readVersionFile(file)).version).toBe('1.24.2');
  });

  it('finds the IstioOperator in a multi-document file', async () => {
    const text =
      'kind: Namespace\nmetadata:\n  name: istio-system\n---\nkind: IstioOperator\nspec:\n  tag: "1.29.8"\n';
    expect(await readVersionFile(write('all.yaml', text))).toMatchObject({ version: '1.29.8', line: 7 });
  });

  it('points at file:line when spec.tag is missing', async () => {
    const file = write(
      'iop.yaml',
      'apiVersion: install.istio.io/v1alpha1\nkind: IstioOperator\nspec:\n  profile: minimal\n',
    );
    const error = (await readVersionFile(file).catch((e: unknown) => e)) as FileFormatError;
    expect(error).toBeInstanceOf(FileFormatError);
    expect(error.describe().split('\n')[0]).toBe(`${file}:4: the IstioOperator has no spec.tag`);
  });

  it('points at file:line for a value that is not a version', async () => {
    const file = write('.istio-version', '# pinned\nbanana\n');
    const error = (await readVersionFile(file).catch((e: unknown) => e)) as FileFormatError;
    expect(error.describe().split('\n')[0]).toBe(`${file}:2: 'banana' is not an Istio version or range`);
  });

  it('says which input when the file is missing', async () => {
    const error = (await readVersionFile('/nonexistent/.istio-version').catch(
      (e: unknown) => e,
    )) as InvalidInputError;
    expect(error).toBeInstanceOf(InvalidInputError);
    expect(error.describe()).toMatch(
      /^input 'version-file': cannot read \/nonexistent\/\.istio-version: ENOENT/,
    );
  });

  it('rejects an empty file', async () => {
    await expect(readVersionFile(write('.istio-version', '\n# nothing\n'))).rejects.toThrow(
      /holds no version/,
    );
  });

  it('reads a Flux HelmRelease whose version a ConfigMap in the same file substitutes, with its line', async () => {
    expect(await readVersionFile(join(fixtures, 'flux-one-file.yaml'))).toMatchObject({
      version: '1.30.4',
      line: 25,
    });
  });

  it('reads a Sail Istio and a HelmRelease with a literal version, and a pinned workflow', async () => {
    expect(await readVersionFile(join(fixtures, 'sail-and-helmrelease.yaml'))).toMatchObject({
      version: '1.31.0',
      line: 7,
    });
    const workflow = 'name: e2e\nenv:\n  ISTIO_VERSION: 1.29.3 # istio-autopilot\n';
    expect(await readVersionFile(write('e2e.yml', workflow))).toMatchObject({ version: '1.29.3', line: 3 });
  });

  it('names file:line for broken YAML, and says when no control plane is pinned', async () => {
    const broken = write('istio.yaml', 'kind: HelmRelease\nspec:\n  chart: [istiod\n  x: 1\n');
    const error = (await readVersionFile(broken).catch((e: unknown) => e)) as FileFormatError;
    expect(error.describe().split('\n')[0]).toMatch(new RegExp(`^${broken}:\\d+: broken YAML`));
    const proxies = write(
      'app.yaml',
      'kind: Pod\nspec:\n  containers:\n    - image: docker.io/istio/proxyv2:1.30.4\n',
    );
    await expect(readVersionFile(proxies)).rejects.toThrow(/no Istio control plane version is pinned/);
  });
});
