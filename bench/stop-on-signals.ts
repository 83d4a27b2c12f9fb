// How a command that writes a file beside its name (write-export.ts) stops on Ctrl-C or a kill: the signal
// aborts the write, which removes what it wrote, and then the run ends by that signal, which a shell reports
// as 128 + its number (130, 143), as the sessionize CLI ends (cli/main.ts).

const STOPPING = ['SIGINT', 'SIGTERM'] as const;

/** Aborted, with the signal as its reason, when SIGINT or SIGTERM comes: until then they end nothing. */
export function abortedOnSignals(): AbortSignal {
  const controller = new AbortController();
  for (const signal of STOPPING) process.once(signal, () => controller.abort(signal));
  return controller.signal;
}

/** Ends the run by the signal that aborted `stopped`, if one did; its listener is gone, so it kills. */
export function endIfStopped(stopped: AbortSignal): void {
  if (stopped.aborted) process.kill(process.pid, stopped.reason as NodeJS.Signals);
}
