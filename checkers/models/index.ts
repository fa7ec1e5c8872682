import { counterModel } from "./counter.js";
import { fifoQueueModel } from "./fifo-queue.js";
import { kvModel } from "./kv.js";
import type { Model } from "./model.js";
import { casRegisterModel, registerModel } from "./register.js";
import { setModel } from "./set.js";

export const MODELS: Record<string, Model<unknown>> = {
  register: registerModel,
  "cas-register": casRegisterModel,
  kv: kvModel,
  counter: counterModel,
  set: setModel,
  "fifo-queue": fifoQueueModel,
};

export const MODEL_NAMES = Object.keys(MODELS);
