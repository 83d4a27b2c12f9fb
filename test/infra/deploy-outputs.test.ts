import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../lib/config/bundling.js';
import { synthConfiguredStage } from './synth.js';

// `cdk deploy --outputs-file` writes the stage's account id, API URL, bucket and queue URLs in the repository.
const deployDoc = readFileSync(join(repoRoot, 'docs/deploy.md'), 'utf8');

describe('the outputs files docs/deploy.md has cdk deploy write', () => {
  const outputsFiles = [...deployDoc.matchAll(/--outputs-file (\S+)/g)].map((match) => match[1] as string);

  it('are named in the docs', () => {
    expect(outputsFiles).toEqual(['cdk-outputs.dev.json', 'cdk-outputs.prod.json']);
  });

  it.each(outputsFiles.concat('cdk-outputs.staging.json'))('keep %s out of git', (file) => {
    const check = spawnSync('git', ['check-ignore', '--no-index', '-q', file], { cwd: repoRoot });
    expect(check.status, `${file} is not git-ignored`).toBe(0);
  });
});

describe("docs/deploy.md's table of outputs", () => {
  // Rows like "| `IngestQueueUrl`, `IngestQueueArn` | Stateless | ... |".
  const documented = [
    ...deployDoc.matchAll(/^\| ((?:`\w+`(?:, )?)+)\s*\| (Stateful|Stateless) +\|/gm),
  ].flatMap((row) => [...(row[1] as string).matchAll(/`(\w+)`/g)].map((name) => `${row[2]} ${name[1]}`));

  it.each(['dev', 'prod'] as const)(
    'names every output of the %s stacks, in the stack that has it',
    (stage) => {
      const { stateful, stateless } = synthConfiguredStage(stage);
      // The PublishOutput... outputs are CDK's weak cross-stack references, read by the stateless stack only.
      const outputsOf = (kind: string, template: typeof stateful) =>
        Object.keys(template.toJSON().Outputs ?? {})
          .filter((name) => !name.startsWith('PublishOutput'))
          .map((name) => `${kind} ${name}`);

      expect(documented.sort()).toEqual(
        [...outputsOf('Stateful', stateful), ...outputsOf('Stateless', stateless)].sort(),
      );
    },
  );
});
