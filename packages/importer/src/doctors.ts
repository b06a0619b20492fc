// A doctor per appointment (SPEC §12 "Imports as practices have them"): the file's doctor column names
// the doctor as the practice writes it, and each name is matched to a user of the workspace who can be
// a campaign's doctor (role DOCTOR, or OWNER — in a small practice the owner is the doctor, and the
// campaign's doctor picker offers both). Matching ignores case, accents, punctuation, repeated spaces
// and a leading title ("Dr.", "Dra.", "Doctor", "Doctora"), so "DRA. MARÍA  PÉREZ" is "María Pérez".
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
  for (const d of doctors) {
    byId.set(d.id, { id: d.id, name: d.name });
    const key = doctorKey(d.name);
    if (key === "") continue;
    byKey.set(key, byKey.has(key) ? "ambiguous" : { id: d.id, name: d.name });
  }
  const cells = new Map<string, MatchedDoctor | DoctorMiss>();
  return {
    byId,
    match(cell) {
      let found = cells.get(cell);
      if (found === undefined) {
        found = byKey.get(doctorKey(cell)) ?? "unknown";
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
