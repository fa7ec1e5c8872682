// A reproducible .tar.gz of a run folder: the same folder gives the same bytes, whenever and
// wherever it is archived. Entries are listed explicitly in byte order of their paths (no
// directory walk order), every entry gets the same owner (0), a mode of 0644 / 0755 (0755
// for files with any execute bit), and one mtime (the run's start, from results.json);
// tar's portable mode leaves out atime, ctime, user and group names and the other
// per-machine fields, and writes a gzip header without a timestamp. The entries sit under
// <test name>/<timestamp>/ so that unpacking into a results folder restores the run there.
import { lstatSync, readdirSync, readFileSync } from "node:fs";
import { basename, dirname, join, relative, resolve } from "node:path";
import { create } from "tar";
import { FILES } from "../core/run-folder.js";

export interface ArchiveResult {
  file: string;
  entries: number;
  bytes: number;
}

/** The default archive of a run folder: `<run folder>.tar.gz` beside it. */
export function defaultArchivePath(runDir: string): string {
  return `${resolve(runDir)}.tar.gz`;
}

/** Every path under `root` (folders included, symlinks as they are), relative, sorted by bytes. */
export function archiveEntries(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      const rel = relative(root, path);
      const st = lstatSync(path);
      if (st.isDirectory()) {
        out.push(rel);
        walk(path);
      } else if (st.isFile() || st.isSymbolicLink()) out.push(rel);
      // sockets, fifos and devices are not part of a run's record
    }
  };
  walk(root);
  return out.sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
}

/** The run's start time, whole seconds (tar stores seconds): the mtime of every entry. */
export function archiveMtime(runDir: string): Date {
  try {
    const started = (JSON.parse(readFileSync(join(runDir, FILES.results), "utf8")) as { startedAt?: string }).startedAt;
    const ms = Date.parse(started ?? "");
    if (Number.isFinite(ms)) return new Date(Math.floor(ms / 1000) * 1000);
  } catch {
    // no results.json: the epoch below
  }
  return new Date(0);
}

export async function archiveRun(runDir: string, out = defaultArchivePath(runDir)): Promise<ArchiveResult> {
  const root = resolve(runDir);
  const outPath = resolve(out);
  if (outPath === root || outPath.startsWith(root + "/")) throw new Error(`${out}: the archive cannot be written inside the run folder it archives`);
  // <name>/<stamp>/..., as under results/.
  const prefix = `${basename(dirname(root))}/${basename(root)}`;
  const entries = archiveEntries(root);
  const mtime = archiveMtime(root);
  await create(
    {
      file: outPath,
      cwd: root,
      gzip: { level: 9 },
      portable: true,
      noDirRecurse: true,
      mtime,
      prefix,
      onWriteEntry: (entry) => {
        // One mode per kind of entry: 0755 for folders and executables, 0644 for the rest.
        const stat = entry.stat as { mode: number } | undefined;
        if (!stat) return;
        const type = stat.mode & 0o170000;
        const exec = (stat.mode & 0o111) !== 0 || type === 0o040000;
        stat.mode = type | (exec ? 0o755 : 0o644);
      },
    },
    entries,
  );
  return { file: outPath, entries: entries.length, bytes: lstatSync(outPath).size };
}
