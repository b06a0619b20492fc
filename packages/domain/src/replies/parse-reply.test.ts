import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import * as domain from "../index.ts";
import { type ParsedReply, parseReply } from "./parse-reply.ts";

/** The project's copy of the reply corpus (SPEC §5.6), kept in sync with the shared one by fixture-copy.test.ts. */
const FIXTURE = new URL("../../test/fixtures/replies.tsv", import.meta.url);
/** The project's own corpus: polite and ambiguous replies beyond the shared one, same format. */
const PROJECT_FIXTURE = new URL("../../test/fixtures/replies.project.tsv", import.meta.url);

interface FixtureRow {
  line: number;
  reply: string;
  expected: string;
}

/** `reply<TAB>expected`; `#` lines are comments; spaces around the reply are part of it. */
function readFixture(file: URL): FixtureRow[] {
  const rows: FixtureRow[] = [];
  readFileSync(file, "utf8")
    .split("\n")
    .forEach((text, i) => {
      if (text === "" || text.startsWith("#")) return;
      const tab = text.lastIndexOf("\t");
      if (tab < 0) throw new Error(`${file.pathname} line ${i + 1}: no TAB in ${JSON.stringify(text)}`);
      rows.push({ line: i + 1, reply: text.slice(0, tab), expected: text.slice(tab + 1) });
    });
  return rows;
}

/** What the fixture's `expected` column says for a parsed reply. */
function asExpected(parsed: ParsedReply): string {
  return parsed.kind === "rating" ? `rating:${parsed.rating}` : parsed.kind;
}

/** JSON-quoted so leading/trailing spaces show, with invisible or look-alike characters as \u escapes. */
function visible(reply: string): string {
  // no-break space, zero-width characters, variation selectors, the keycap mark, fullwidth forms
  const ranges = [[0xa0, 0xa0], [0x200b, 0x200f], [0x2060, 0x2060], [0xfe00, 0xfe0f], [0x20e3, 0x20e3], [0xff00, 0xffef]];
  const invisible = (c: number) => ranges.some(([from, to]) => c >= from! && c <= to!);
  return [...JSON.stringify(reply)]
    .map((ch) => {
      const c = ch.codePointAt(0)!;
      return invisible(c) ? `\\u${c.toString(16).padStart(4, "0")}` : ch;
    })
    .join("");
}

describe.each([
  ["test/fixtures/replies.tsv", FIXTURE],
  ["test/fixtures/replies.project.tsv", PROJECT_FIXTURE],
])("parseReply agrees with every row of %s", (_name, file) => {
  const rows = readFixture(file);

  it("the fixture is well formed", () => {
    expect(rows.length).toBeGreaterThan(100);
    for (const row of rows) expect(row.expected, `line ${row.line}`).toMatch(/^(rating:[1-5]|optout|optin|other)$/);
    const replies = rows.map((r) => r.reply);
    expect(replies.filter((r, i) => replies.indexOf(r) !== i), "rows listed twice").toEqual([]);
  });

  for (const row of rows) {
    it(`line ${row.line}: ${visible(row.reply)} → ${row.expected}`, () => {
      expect(asExpected(parseReply(row.reply))).toBe(row.expected);
    });
  }
});

describe("parseReply: more cases", () => {
  it.each([
    // numbers out of range or not whole
    ["10", "other"],
    ["0", "other"],
    ["6", "other"],
    ["05", "rating:5"],
    ["-1", "rating:1"], // the dash is punctuation, like "1 - Muy malo"; documented, not a guess of sign
    ["diez", "other"],
    ["seis estrellas", "other"],
    ["⭐⭐⭐⭐⭐⭐", "other"],
    ["3:30", "other"],
    ["8/10", "other"],
    ["6/5", "other"],
    ["5 de 10", "other"],
    // repeated vs different numbers
    ["5 5", "rating:5"],
    ["5, 5", "rating:5"], // the comma is followed by a space: two 5s, not the decimal "5,5"
    ["5,5", "other"], // a decimal
    ["5 y 4", "other"],
    ["cinco 5", "rating:5"],
    ["4 cuatro estrellas", "rating:4"],
    ["⭐⭐⭐⭐ 4", "rating:4"],
    ["⭐ ⭐ ⭐", "rating:3"],
    ["★★★☆☆", "rating:3"],
    ["🌟🌟🌟🌟🌟", "rating:5"],
    ["4 / 5", "rating:4"],
    ["cuatro de cinco", "rating:4"],
    ["5 sobre 5", "rating:5"],
    ["del uno al cinco: cuatro", "rating:4"],
    ["🔟/🔟", "rating:5"],
    // numbers that are not ratings
    ["Mi cita es a las 3", "other"],
    ["Esperé 2 horas", "other"],
    ["Uno de los mejores doctores", "other"],
    ["el 5 de marzo", "other"],
    ["tengo 2 preguntas sobre la receta", "other"],
    ["¿5?", "other"],
    ["¿Le pongo 5 o 4?", "other"],
    // negation and quality words
    ["no fue mala", "other"],
    ["nunca 5", "other"],
    ["3 excelente", "other"],
    ["5, terrible", "other"],
    ["bueno pero malo", "other"],
    ["muy mala", "rating:1"],
    ["PÉSIMA", "rating:1"],
    ["Buenas tardes", "other"],
    // opt-out / opt-in are whole messages only
    ["stop 🙏", "optout"],
    ["Opt out", "optout"],
    ["  BAJA!!  ", "optout"],
    ["stop 5", "other"], // may mean stop: a person decides
    ["5 cancelar", "other"],
    ["quiero la baja", "other"],
    ["cancelar la cita", "other"],
    ["Start.", "optin"],
    ["¡Alta!", "optin"],
    // nothing to read
    ["", "other"],
    ["   ", "other"],
    ["🙏🙏", "other"],
  ])("%j → %s", (reply, expected) => {
    expect(asExpected(parseReply(reply))).toBe(expected);
  });
});

describe("parseReply: button payloads win over the text", () => {
  it.each([
    ["RATING_5", "hola", "rating:5"],
    ["rating:5", "1", "rating:5"],
    ["5", "", "rating:5"],
    ["rating:2", "STOP", "rating:2"],
    ["optout", "5", "optout"],
    ["OPT_IN", "5", "optin"],
  ])("payload %j with text %j → %s", (payload, text, expected) => {
    expect(asExpected(parseReply(text, { buttonPayload: payload }))).toBe(expected);
  });

  it.each([null, undefined, "", "  ", "CONTACT_STAFF", "rating:6", "0"])(
    "payload %j is not ours: the text decides",
    (payload) => {
      expect(parseReply("4", { buttonPayload: payload })).toEqual({ kind: "rating", rating: 4 });
      expect(parseReply("STOP", { buttonPayload: payload })).toEqual({ kind: "optout" });
      expect(parseReply("hola", { buttonPayload: payload })).toEqual({ kind: "other" });
    },
  );
});

describe("@rm/domain exports the reply parser", () => {
  it("from the package index", () => {
    for (const name of [
      "parseReply",
      "normalizeReply",
      "parseButtonPayload",
      "ratingPayload",
      "OPT_OUT_KEYWORDS",
      "OPT_OUT_PHRASES",
      "OPT_IN_KEYWORDS",
      "RATING_NUMBER_WORDS",
      "RATING_QUALITY_WORDS",
    ]) {
      expect(domain, name).toHaveProperty(name);
    }
    expect(domain.parseReply("5")).toEqual({ kind: "rating", rating: 5 });
  });

  it("lists every opt-out keyword of SPEC §5.6", () => {
    expect([...domain.OPT_OUT_KEYWORDS].sort()).toEqual(
      ["STOP", "BAJA", "CANCELAR", "PARAR", "UNSUBSCRIBE", "END", "QUIT", "STOPALL", "REVOKE", "OPTOUT", "CANCEL"].sort(),
    );
    expect([...domain.OPT_IN_KEYWORDS].sort()).toEqual(["ALTA", "START", "UNSTOP"]);
    for (const keyword of [...domain.OPT_OUT_KEYWORDS, ...domain.OPT_OUT_PHRASES]) {
      expect(parseReply(keyword), keyword).toEqual({ kind: "optout" });
    }
  });
});
