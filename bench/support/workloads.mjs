// The 3k-workload repo the inject bench runs on: mixed kinds in files of ten, a Service every fifth.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const KINDS = ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob', 'Pod'];

function podSpec(i, indent) {
  const pad = ' '.repeat(indent);
  return [
    `${pad}containers:`,
    `${pad}  - name: app`,
    `${pad}    image: registry.example.com/app-${i % 50}:1.${i % 7}.0`,
    `${pad}    ports: [{containerPort: 8080}]`,
    `${pad}    env: [{name: MODE, value: bench}]`,
    ...(i % 3 === 0 ? [`${pad}    readinessProbe: {httpGet: {path: /ready, port: 8080}}`] : []),
  ].join('\n');
}

function workload(i) {
  const kind = KINDS[i % KINDS.length];
  const name = `svc-${i}`;
  const meta = `metadata:\n  name: ${name}\n  namespace: team-${i % 12}\n  labels: {app: ${name}}`;
  const template = (indent) =>
    `${' '.repeat(indent)}metadata:\n${' '.repeat(indent)}  labels: {app: ${name}, version: v1}\n${' '.repeat(indent)}spec:\n` +
    (kind === 'Job' || kind === 'CronJob' ? `${' '.repeat(indent + 2)}restartPolicy: Never\n` : '') +
    podSpec(i, indent + 2);
  switch (kind) {
    case 'Pod':
      return `apiVersion: v1\nkind: Pod\n${meta}\nspec:\n${podSpec(i, 2)}`;
    case 'Job':
      return `apiVersion: batch/v1\nkind: Job\n${meta}\nspec:\n  template:\n${template(4)}`;
    case 'CronJob':
      return `apiVersion: batch/v1\nkind: CronJob\n${meta}\nspec:\n  schedule: "*/5 * * * *"\n  jobTemplate:\n    spec:\n      template:\n${template(8)}`;
    default:
      return `apiVersion: apps/v1\nkind: ${kind}\n${meta}\nspec:\n  selector: {matchLabels: {app: ${name}}}\n${kind === 'StatefulSet' ? `  serviceName: ${name}\n` : ''}  template:\n${template(4)}`;
  }
}

/** Writes `files` files of `perFile` workloads under `repo`; returns their absolute paths. */
export function generateWorkloadRepo(repo, files, perFile) {
  const paths = [];
  for (let f = 0; f < files; f++) {
    const docs = [];
    for (let d = 0; d < perFile; d++) {
      const i = f * perFile + d;
      docs.push(`# workload ${i}\n${workload(i)}\n`);
      if (d % 5 === 4)
        docs.push(
          `apiVersion: v1\nkind: Service\nmetadata: {name: svc-${i}, namespace: team-${i % 12}}\nspec: {ports: [{port: 80}]}\n`,
        );
    }
    const dir = join(repo, `team-${f % 12}`);
    mkdirSync(dir, { recursive: true });
    const path = join(dir, `app-${f}.yaml`);
    writeFileSync(path, docs.join('---\n'));
    paths.push(path);
  }
  return paths;
}
