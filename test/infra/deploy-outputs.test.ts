import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../lib/config/bundling.js';

// `cdk deploy --outputs-file` writes the stage's account id, API URL, bucket and queue URLs in the repository.
describe('the outputs files docs/deploy.md has cdk deploy write', () => {
  const deployDoc = readFileSync(join(repoRoot, 'docs/deploy.md'), 'utf8');
  const outputsFiles = [...deployDoc.matchAll(/--outputs-file (\S+)/g)].map((match) => match[1] as string);

  it('are named in the docs', () => {
    expect(outputsFiles).toEqual(['cdk-outputs.dev.json', 'cdk-outputs.prod.json']);
  });

  it.each(outputsFiles.concat('cdk-outputs.staging.json'))('keep %s out of git', (file) => {
    const check = spawnSync('git', ['check-ignore', '--no-index', '-q', file], { cwd: repoRoot });
    expect(check.status, `${file} is not git-ignored`).toBe(0);
  });
});
