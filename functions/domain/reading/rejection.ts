/** An event that was not accepted, with everything needed to find, understand and replay it. */
export interface Rejection {
  /** The file, or `<archive>!<member>`. */
  readonly file: string;
  /** 1-based line where the event starts. */
  readonly position: number;
  /** 1-based element index when the file is a JSON array. */
  readonly index?: number;
  readonly reason: string;
  /** The event's original text, so nothing the user sent is lost. */
  readonly raw: string;
}
