// What a checker concludes about a run: its validity, a summary a person reads, and its data.
/** `true` valid, `false` invalid, `"unknown"` when the checker could not decide. */
export type Validity = true | false | "unknown";

export interface Verdict {
  valid: Validity;
  /** One line a person reads first. */
  summary: string;
  /** Checker-specific data, stored in results.json. */
  details: Record<string, unknown>;
  /** Lines for the run's printed summary, below the checker's one-line summary (a table of failovers, the loss window). */
  report?: string[];
  /**
   * Pages for the run folder, as data: file name -> what report/ renders into it (report/views.ts
   * knows the renderer of each). The harness renders and writes them; results.json keeps neither.
   */
  views?: Record<string, unknown>;
}

/** Invalid beats unknown beats valid. */
export function combineValidity(values: Validity[]): Validity {
  if (values.includes(false)) return false;
  if (values.includes("unknown")) return "unknown";
  return true;
}
