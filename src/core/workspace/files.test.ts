import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Logger } from '../logger.js';
import {
  isRegularWorkspaceFile,
  listWorkspace,
  listWorkspaceFiles,
  noticeSkipped,
  readWorkspaceFile,
  resolveInsideWorkspace,
} from './files.js';

function workspace(files: Record<string, string | Buffer>): string {
  const root = mkdtempSync(join(tmpdir(), 'workspace-'));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

function recordingLogger() {
  const lines: string[] = [];
  const logger: Logger = {
    info: () => undefined,
    debug: () => undefined,
    notice: (m) => lines.push(m),
    warning: (m) => lines.push(m),
  };
  return { lines, logger };
}

describe('workspace files', () => {
  it('lists YAML and .istio-version across the repo by default, respecting nested .gitignore files', () => {
    const root = workspace({
      '.gitignore': 'build/\n*.secret.yaml\n',
      'a.yaml': '',
      'deep/b.yml': '',
      'deep/.gitignore': 'local.yaml\n',
      'deep/local.yaml': '',
      'deep/c.secret.yaml': '',
      'build/out.yaml': '',
      'README.md': '',
      '.istio-version': '',
      '.github/workflows/ci.yml': '',
      '.git/config.yaml': '',
    });
    expect(listWorkspaceFiles(root)).toEqual([
      '.github/workflows/ci.yml',
      '.istio-version',
      'a.yaml',
      'deep/b.yml',
    ]);
  });

  it('takes globs with exclusions', () => {
    const root = workspace({ 'clusters/prod/a.yaml': '', 'clusters/dev/b.yaml': '', 'apps/c.yaml': '' });
    expect(listWorkspaceFiles(root, { patterns: ['clusters/**/*.yaml', '!clusters/dev/**'] })).toEqual([
      'clusters/prod/a.yaml',
    ]);
  });

  it('refuses globs and paths that lead outside the workspace', () => {
    const root = workspace({ 'a.yaml': '' });
    expect(() => listWorkspaceFiles(root, { patterns: ['../**/*.yaml'] })).toThrow(
      /leads outside the workspace/,
    );
    expect(() => listWorkspaceFiles(root, { patterns: ['/etc/*.yaml'] })).toThrow(
      /leads outside the workspace/,
    );
    expect(() => resolveInsideWorkspace(root, '../x.yaml')).toThrow(/leads outside the workspace/);
  });

  it('refuses a symlink that leads outside the workspace, with a warning, and does not follow it', () => {
    const outside = workspace({ 'secret.yaml': 'kind: Secret\n' });
    const root = workspace({ 'a.yaml': '' });
    symlinkSync(join(outside, 'secret.yaml'), join(root, 'link.yaml'));
    symlinkSync(outside, join(root, 'linked-dir'));
    const { lines, logger } = recordingLogger();
    expect(listWorkspaceFiles(root, { logger })).toEqual(['a.yaml']);
    expect(lines).toEqual(['refused link.yaml: a symbolic link that leads outside the workspace']);
    expect(() => resolveInsideWorkspace(root, 'link.yaml')).toThrow(/leads outside the workspace/);
  });

  it('skips binary and very large files', () => {
    const root = workspace({
      'bin.yaml': Buffer.from([0x6b, 0x00, 0x01]),
      'big.yaml': 'x'.repeat(2048),
      'ok.yaml': 'a: 1\n',
    });
    expect(readWorkspaceFile(root, 'bin.yaml')).toMatchObject({ status: 'binary' });
    expect(readWorkspaceFile(root, 'big.yaml', 1024)).toMatchObject({ status: 'too-large', size: 2048 });
    const ok = readWorkspaceFile(root, 'ok.yaml');
    expect(ok.status === 'ok' && ok.content.toString()).toBe('a: 1\n');
  });
});

describe('the workspace boundary', () => {
  it('refuses a new file under a linked directory that leads outside (render-dir, patches)', () => {
    const outside = workspace({});
    const root = workspace({ 'a.yaml': '' });
    symlinkSync(outside, join(root, 'rendered'));
    expect(() => resolveInsideWorkspace(root, 'rendered/apps/web.yaml', 'output-dir')).toThrow(
      /'rendered\/apps\/web.yaml' leads outside the workspace through a symbolic link/,
    );
    try {
      resolveInsideWorkspace(root, 'rendered/apps/web.yaml', 'output-dir');
    } catch (error) {
      expect(error).toMatchObject({ input: 'output-dir' });
    }
  });

  it('allows a new file under a linked directory that stays inside', () => {
    const root = workspace({ 'real/a.yaml': '' });
    symlinkSync(join(root, 'real'), join(root, 'alias'));
    expect(resolveInsideWorkspace(root, 'alias/new/b.yaml')).toBe(
      join(realpathSync(root), 'real/new/b.yaml'),
    );
  });

  it('refuses an absolute path outside, and accepts one inside', () => {
    const root = workspace({ 'a.yaml': '' });
    expect(() => resolveInsideWorkspace(root, '/etc/passwd', 'mesh-config-file')).toThrow(/leads outside/);
    expect(resolveInsideWorkspace(root, join(root, 'a.yaml'))).toBe(join(realpathSync(root), 'a.yaml'));
  });

  it('never reads through a link: a file read refuses links at the last step and parents that leave', () => {
    const outside = workspace({ 'secret.yaml': 'kind: Secret\n' });
    const root = workspace({ 'a.yaml': 'a: 1\n' });
    symlinkSync(join(outside, 'secret.yaml'), join(root, 'link.yaml'));
    symlinkSync(outside, join(root, 'dir'));
    symlinkSync(join(root, 'a.yaml'), join(root, 'inside-link.yaml'));
    expect(() => readWorkspaceFile(root, 'link.yaml')).toThrow(/leads outside/);
    expect(() => readWorkspaceFile(root, 'dir/secret.yaml')).toThrow(/leads outside/);
    expect(() => readWorkspaceFile(root, 'inside-link.yaml')).not.toThrow();
  });

  it('names the file and a hint instead of a raw ENOENT', () => {
    const root = workspace({});
    expect(() => readWorkspaceFile(root, 'gone.yaml')).toThrow(/does not exist \(ENOENT while reading it\)/);
  });

  it('says a UTF-16 file is skipped and why, instead of calling it binary or skipping it silently', () => {
    const root = workspace({
      'le.yaml': Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('version: 1.24.2\n', 'utf16le')]),
      'nobom.yaml': Buffer.from('version: 1.24.2\n', 'utf16le'),
    });
    const { lines, logger } = recordingLogger();
    for (const path of ['le.yaml', 'nobom.yaml']) {
      const result = readWorkspaceFile(root, path);
      expect(result.status).toBe('utf16');
      noticeSkipped(result, logger);
    }
    expect(lines[0]).toMatch(/skipped le.yaml: UTF-16 text; only UTF-8 files are read and edited/);
  });

  it('warns about a glob or directory that matches no file', () => {
    const root = workspace({ 'clusters/a.yaml': '' });
    const { lines, logger } = recordingLogger();
    listWorkspaceFiles(root, { patterns: ['clusterz/**/*.yaml', 'clusters', 'clusters/**'], logger });
    expect(lines).toEqual([
      "paths: 'clusterz/**/*.yaml' matched no file",
      "paths: 'clusters' matched no file (for everything in a directory, write 'clusters/**')",
    ]);
  });
});

describe('workspace files in a git checkout', () => {
  const git = (root: string, ...args: string[]) =>
    execFileSync('git', ['-C', root, '-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args]);

  it('lists what git lists: tracked files and untracked ones git does not ignore', () => {
    const root = workspace({
      '.gitignore': 'build/\n',
      'a.yaml': 'a: 1\n',
      'gone.yaml': 'g: 1\n',
      'build/out.yaml': '',
      'node_modules/x/y.yaml': '',
      'untracked/b.yml': '',
    });
    git(root, 'init', '-q');
    git(root, 'add', '.gitignore', 'a.yaml', 'gone.yaml', 'node_modules');
    git(root, 'commit', '-qm', 'x');
    rmSync(join(root, 'gone.yaml'));
    const outside = workspace({ 'secret.yaml': 'kind: Secret\n' });
    symlinkSync(join(outside, 'secret.yaml'), join(root, 'link.yaml'));
    const { lines, logger } = recordingLogger();
    expect(listWorkspaceFiles(root, { logger })).toEqual(['a.yaml', 'untracked/b.yml']);
    expect(lines).toEqual(['refused link.yaml: a symbolic link that leads outside the workspace']);
  });

  it('hands UTF-16 files with a byte-order mark to the reader though git grep finds no UTF-8 keyword', () => {
    const root = workspace({
      'bom.yaml': Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('tag: 1.24.2\n', 'utf16le')]),
      'be.yaml': Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from('tag: 1.24.2\n', 'utf16le').swap16()]),
      'plain.yaml': 'x: 1\n',
    });
    git(root, 'init', '-q');
    git(root, 'add', '.');
    git(root, 'commit', '-qm', 'x');
    const listing = listWorkspace(root, { keywords: ['tag:'] });
    expect([...listing.mentioning!].sort()).toEqual(['be.yaml', 'bom.yaml']);
  });

  it('says which files mention a keyword, and leaves tracked paths to be checked on disk', () => {
    const root = workspace({ 'a.yaml': 'image: docker.io/istio/proxyv2:1.24.2\n', 'b.yaml': 'x: 1\n' });
    git(root, 'init', '-q');
    git(root, 'add', '.');
    git(root, 'commit', '-qm', 'x');
    writeFileSync(join(root, 'c.yaml'), 'kind: IstioOperator\n');
    const listing = listWorkspace(root, { keywords: ['proxyv2:', 'IstioOperator'] });
    expect(listing.paths).toEqual(['a.yaml', 'b.yaml', 'c.yaml']);
    expect([...(listing.mentioning ?? [])].sort()).toEqual(['a.yaml', 'c.yaml']);
    rmSync(join(root, 'b.yaml'));
    expect(isRegularWorkspaceFile(root, 'b.yaml')).toBe(false);
    expect(isRegularWorkspaceFile(root, 'a.yaml')).toBe(true);
  });

  it('walks the directories when a nested repository sits in the workspace', () => {
    const root = workspace({ 'a.yaml': '', 'nested/n.yaml': '' });
    git(root, 'init', '-q');
    git(join(root, 'nested'), 'init', '-q');
    expect(listWorkspaceFiles(root)).toEqual(['a.yaml', 'nested/n.yaml']);
  });
});
