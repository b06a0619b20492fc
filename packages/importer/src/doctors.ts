// A doctor per appointment (SPEC §12 "Imports as practices have them"): the file's doctor column names
// the doctor as the practice writes it, and each name is matched to a user of the workspace who can be
// a campaign's doctor (role DOCTOR, or OWNER — in a small practice the owner is the doctor, and the
// campaign's doctor picker offers both). Matching ignores case, accents, punctuation, repeated spaces
// and a leading title ("Dr.", "Dra.", "Doctor", "Doctora"), so "DRA. MARÍA  PÉREZ" is "María Pérez".
// A cell that is no user's whole name may be part of one — "Dr. Ruiz" for "Carlos Ruiz Vega" — when
// exactly one doctor's name holds all its words; a name two users share (or both hold) matches nobody
// and is reported as ambiguous rather than guessed.
// Names are resolved once per file into a map (a file has a handful of distinct doctors), never per row.
import type { EntityManager } from "@mikro-orm/postgresql";
import { listAssignableDoctors } from "@rm/accounts";
import { stripAccents } from "./fields.ts";

export interface MatchedDoctor {
  id: string;
  name: string;
}

/** Why a doctor cell matched nobody: no such user, or two users share the name. */
export type DoctorMiss = "unknown" | "ambiguous";

const TITLE = /^(?:dr|dra|doctor|doctora)\s+/;

/** The key a doctor's name is matched by: "Dra. María  Pérez" → "maria perez". */
export function doctorKey(name: string): string {
  const plain = stripAccents(name.toLowerCase())
    .replace(/[^a-z0-9ñ]+/g, " ")
    .trim();
  // A title alone ("Dr.") is kept, so it matches nobody rather than everybody.
  return plain.replace(TITLE, "");
}

export interface DoctorDirectory {
  /** The doctor a cell names, or why none. Cells are read once each (a file repeats a few names). */
  match(cell: string): MatchedDoctor | DoctorMiss;
  /** The workspace's doctors by id (names for {{doctor}}). */
  byId: ReadonlyMap<string, MatchedDoctor>;
}

export function doctorDirectory(doctors: readonly MatchedDoctor[]): DoctorDirectory {
  const byKey = new Map<string, MatchedDoctor | "ambiguous">();
  const byId = new Map<string, MatchedDoctor>();
  const words: { doctor: MatchedDoctor; words: Set<string> }[] = [];
  for (const d of doctors) {
    const doctor = { id: d.id, name: d.name };
    byId.set(d.id, doctor);
    const key = doctorKey(d.name);
    if (key === "") continue;
    byKey.set(key, byKey.has(key) ? "ambiguous" : doctor);
    words.push({ doctor, words: new Set(key.split(" ")) });
  }
  const partial = (key: string): MatchedDoctor | DoctorMiss => {
    const wanted = key.split(" ").filter((w) => w !== "");
    if (wanted.length === 0) return "unknown";
    const holders = words.filter((d) => wanted.every((w) => d.words.has(w)));
    return holders.length === 1 ? holders[0]!.doctor : holders.length > 1 ? "ambiguous" : "unknown";
  };
  const cells = new Map<string, MatchedDoctor | DoctorMiss>();
  return {
    byId,
    match(cell) {
      let found = cells.get(cell);
      if (found === undefined) {
        const key = doctorKey(cell);
        found = byKey.get(key) ?? partial(key);
        if (cells.size < 10_000) cells.set(cell, found);
      }
      return found;
    },
  };
}

/** The workspace's doctors (and owners) as a directory: one statement per file. */
export async function loadDoctorDirectory(em: EntityManager, workspaceId: string): Promise<DoctorDirectory> {
  return doctorDirectory(await listAssignableDoctors(em, workspaceId));
}
