import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../lib/config/bundling.js';
import { synthConfiguredStage } from './synth.js';

// CloudFormation names each alarm `Sessionizer-<stage>-Stateless-<logical id>-<suffix>`: the name a notification
// and the CloudWatch console show. docs/deploy.md's alarm table gives each alarm's logical id without its hash.
const deployDoc = readFileSync(join(repoRoot, 'docs/deploy.md'), 'utf8');
const alarmSection = deployDoc.slice(
  deployDoc.indexOf('\n## Alarms\n'),
  deployDoc.indexOf('\n## ', deployDoc.indexOf('\n## Alarms\n') + 1),
);
// Rows like "| ingest errors | `IngestErrorsAlarm` | ... |".
const documented = [...alarmSection.matchAll(/^\| [^|`]+ \| `(\w+Alarm)` +\|/gm)].map(
  (row) => row[1] as string,
);

describe("docs/deploy.md's alarm table", () => {
  it.each(['dev', 'prod'] as const)('names every alarm of the %s stage as CloudWatch shows it', (stage) => {
    const alarms = synthConfiguredStage(stage).stateless.findResources('AWS::CloudWatch::Alarm');
    // CDK appends an 8-digit hash of the construct path to the logical id.
    const synthesized = Object.keys(alarms).map((logicalId) => logicalId.replace(/[0-9A-F]{8}$/, ''));

    expect(documented.sort()).toEqual(synthesized.sort());
  });

  it('says how CloudWatch names them', () => {
    expect(alarmSection).toContain('`Sessionizer-<stage>-Stateless-<id><hash>-<suffix>`');
  });
});
