// A point a request hook stops at until the test lets it go: the test waits for `reached`, does what must
// happen meanwhile, then calls `release`.

export interface PausePoint {
  /** Resolves once a request first stops at the point. */
  readonly reached: Promise<void>;
  /** Lets every request stopped at the point (and every later one) go on. */
  readonly release: () => void;
  /** For the hook: says the point is reached, then waits until released. */
  readonly wait: () => Promise<void>;
}

export function pausePoint(): PausePoint {
  let reach!: () => void;
  let release!: () => void;
  const reached = new Promise<void>((resolve) => {
    reach = resolve;
  });
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  return {
    reached,
    release,
    wait: () => {
      reach();
      return released;
    },
  };
}
