import { describe, expect, it } from 'vitest';
import { injectInBatches, planBatches, type InjectJob, type InjectStream } from './batches.js';

const jobs: InjectJob[] = Array.from({ length: 60 }, (_, i) => ({
  body: `kind: Pod\nmetadata:\n  name: p${i}\n`,
  where: `f.yaml:${i + 1} (Pod p${i})`,
}));

/** Echoes documents like kube-inject does (each followed by ---), failing on a poisoned one. */
function echo(poison?: string, calls: string[] = []): InjectStream {
  return async (input) => {
    calls.push(input);
    if (poison && input.includes(poison)) throw new Error('cannot decode');
    const docs = input.split('---\n').filter(Boolean);
    return {
      output: docs.map((d) => `${d.replace('kind: Pod', 'kind: Pod\nx: injected')}---\n`).join(''),
      skipped: [],
    };
  };
}

describe('planBatches', () => {
  it('cuts contiguous ranges of about equal size that cover everything', () => {
    expect(planBatches([1, 1, 1, 1, 1, 1], 2)).toEqual([
      { start: 0, end: 3 },
      { start: 3, end: 6 },
    ]);
    expect(planBatches([10, 1, 1, 1], 2)).toEqual([
      { start: 0, end: 1 },
      { start: 1, end: 4 },
    ]);
  });
});

describe('injectInBatches', () => {
  it('uses one process per worker and returns outputs in input order', async () => {
    const calls: string[] = [];
    const result = await injectInBatches(jobs, echo(undefined, calls), { workers: 2 });
    expect(calls).toHaveLength(2);
    expect(result.outputs).toHaveLength(60);
    result.outputs.forEach((out, i) => expect(out).toContain(`name: p${i}\n`));
  });

  it('names the one document that makes istioctl fail', async () => {
    await expect(injectInBatches(jobs, echo('name: p37\n'), { workers: 2 })).rejects.toThrow(
      /f\.yaml:38 \(Pod p37\): cannot decode/,
    );
  });

  it('refuses output that does not split into one document per input', async () => {
    const short: InjectStream = async () => ({ output: 'kind: Pod\n---\n', skipped: [] });
    await expect(injectInBatches(jobs.slice(0, 3), short)).rejects.toThrow(/returned 1 documents for \d/);
  });
});
