/**
 * A session as the CLI prints it and the lookup API returns it (sessionization rules 5 and 9), which is what
 * the report aggregates. Declared here until the domain's own view carries the rule 9 attributes.
 */
export interface PageView {
  readonly url: string | null;
  readonly path: string | null;
  readonly title: string | null;
  readonly referrer: string | null;
}

export interface CampaignView {
  readonly source: string | null;
  readonly medium: string | null;
  readonly name: string | null;
  readonly term: string | null;
  readonly content: string | null;
}

export interface SessionView {
  readonly userId: string;
  readonly sessionId: string;
  readonly sessionNumber: number;
  /** ISO-8601 UTC with milliseconds, e.g. `2024-01-02T08:30:00.000Z`. */
  readonly startedAt: string;
  readonly endedAt: string;
  readonly durationSeconds: number;
  readonly eventCount: number;
  readonly pageViews: number;
  readonly bounce: boolean;
  readonly entryPage: PageView | null;
  readonly exitPage: PageView | null;
  readonly campaign: CampaignView | null;
  readonly anonymousIds: readonly string[];
  readonly device: {
    readonly type: string | null;
    readonly os: string | null;
    readonly browser: string | null;
  } | null;
  readonly firstEvent: string;
  readonly lastEvent: string;
}
