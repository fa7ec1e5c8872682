// The pages report/ draws from checkers' data (a verdict's `views`): each page's file name in
// the run folder, and its renderer. Checkers give the data; they never render.
import { LINEARIZABILITY_VIEW } from "../checkers/linearizable/checker.js";
import type { LinearizabilityView } from "../checkers/linearizable/types.js";
import { renderLinearizabilityView } from "./linearizability/page.js";

const RENDERERS: Record<string, (data: unknown) => string> = {
  [LINEARIZABILITY_VIEW]: (data) => renderLinearizabilityView(data as LinearizabilityView),
};

/** The page `file` of a verdict's views, rendered from its data. */
export function renderView(file: string, data: unknown): string {
  const render = RENDERERS[file];
  if (!render) throw new Error(`no renderer for the view ${file}`);
  return render(data);
}
