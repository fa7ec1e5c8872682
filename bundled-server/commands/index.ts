// The command table: every group's commands by lower-case name.
import type { CommandSpec } from "../command.js";
import { COMMANDS as HASHES } from "./hashes.js";
import { COMMANDS as KEYS } from "./keys.js";
import { COMMANDS as LISTS } from "./lists.js";
import { COMMANDS as REPLICATION } from "./replication.js";
import { COMMANDS as SERVER } from "./server.js";
import { COMMANDS as SETS } from "./sets.js";
import { COMMANDS as STRINGS } from "./strings.js";
import { COMMANDS as ZSETS } from "./zsets.js";

export const COMMAND_TABLE: ReadonlyMap<string, CommandSpec> = new Map(
  [...STRINGS, ...KEYS, ...LISTS, ...SETS, ...HASHES, ...ZSETS, ...SERVER, ...REPLICATION].map((c) => [c.name, c]),
);
