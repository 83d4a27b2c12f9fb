import { App, Stack, Validations } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { synthConfiguredStage } from './synth.js';

function acknowledgmentsUnder(root: IConstruct): Array<{ path: string; id: string; reason: string }> {
  return root.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) =>
        Object.entries(entry.data as Record<string, string>).map(([id, reason]) => ({
          path: construct.node.path,
          id,
          reason,
        })),
      ),
  );
}

describe.each(['dev', 'prod'] as const)('cdk-nag AwsSolutions (%s)', (stageName) => {
  // Synthesis itself already throws on an unacknowledged finding (the pack is registered as a
  // validation plugin); the assertions below spell the result out.
  const { app, stacks } = synthConfiguredStage(stageName);

  it('reports no unacknowledged finding, error or warning', () => {
    const report = new AwsSolutionsChecks().validateScope(app);
    const describe = report.violations.map(
      (violation) =>
        `${violation.severity} ${violation.ruleName} at ${violation.violatingResources.map((r) => r.constructPath).join(', ')}`,
    );
    expect(describe).toEqual([]);
    expect(report.success).toBe(true);
  });

  it('leaves no AwsSolutions error annotation on either stack', () => {
    for (const stack of [stacks.stateful, stacks.stateless]) {
      expect(Annotations.fromStack(stack).findError('*', Match.stringLikeRegexp('AwsSolutions-.*'))).toEqual(
        [],
      );
    }
  });

  it('justifies every acknowledgment and scopes none of them to a whole stack', () => {
    const acknowledgments = acknowledgmentsUnder(app);
    expect(acknowledgments.length).toBeGreaterThan(0);
    for (const { path, id, reason } of acknowledgments) {
      expect(id, path).toMatch(/AwsSolutions-/);
      expect(reason.length, `${id} at ${path}`).toBeGreaterThan(40);
      expect([stacks.stateful.node.path, stacks.stateless.node.path], id).not.toContain(path);
    }
  });
});

describe('cdk-nag check harness', () => {
  it('does catch a non-compliant resource (so the zero counts above mean something)', () => {
    const app = new App();
    const stack = new Stack(app, 'Deliberately-Insecure');
    new Bucket(stack, 'PlainBucket');
    const report = new AwsSolutionsChecks().validateScope(app);
    const errors = report.violations.filter((violation) => violation.severity === 'error');
    expect(errors.map((violation) => violation.ruleName)).toEqual(
      expect.arrayContaining(['AwsSolutions-S1', 'AwsSolutions-S10']),
    );
  });
});
