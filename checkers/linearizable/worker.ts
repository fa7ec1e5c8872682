// Worker thread: checks the parts it is given with a registered model.
import { parentPort } from "node:worker_threads";
import { checkParts, modelByName } from "./check.js";
import type { Part } from "./prepare.js";

export interface WorkerRequest {
  model: string;
  parts: Part[];
  deadline: number;
  memoryBytes: number;
}

parentPort?.on("message", (req: WorkerRequest) => {
  // Ops stay with the caller, which has them already; only verdicts travel back.
  const results = checkParts(modelByName(req.model), req.parts, req.deadline, req.memoryBytes).map((r) => ({ ...r, ops: [] }));
  parentPort!.postMessage(results);
});
