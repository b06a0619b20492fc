import { describe, expect, it } from "vitest";
import { normalizeReply } from "./normalize-reply.ts";

describe("normalizeReply", () => {
  it.each([
    // trim, lowercase, collapse whitespace
    ["  Hola   MUNDO \n", "hola mundo"],
    ["\t5\u00A0", "5"],
    // accents
    ["Calificación: 3", "calificacion 3"],
    ["No me escriban MÁS", "no me escriban mas"],
    ["Pésimo, niño", "pesimo nino"],
    ["Jose\u0301", "jose"], // decomposed accent
    // punctuation, WhatsApp markup
    ["Stop. Gracias!!!", "stop gracias"],
    ["*5*", "5"],
    ["_4_", "4"],
    ["~3~", "3"],
    ["¿Quién es?", "quien es"],
    ["5 - Excelente", "5 excelente"],
    // number punctuation between digits survives
    ["5/5", "5/5"],
    ["4 / 5", "4/5"],
    ["4.5", "4.5"],
    ["4,5", "4,5"],
    ["3:30", "3:30"],
    ["5.", "5"],
    ["Gracias, 5", "gracias 5"],
    // unicode digits
    ["５", "5"],
    ["4️⃣", "4"],
    ["4\u20E3", "4"],
    ["🔟", "10"],
    ["⁵", "5"],
    // stars: one canonical star, runs kept together and split from text
    ["⭐⭐⭐", "⭐⭐⭐"],
    ["⭐️⭐️⭐️⭐️⭐️", "⭐⭐⭐⭐⭐"],
    ["★★★★", "⭐⭐⭐⭐"],
    ["🌟🌟", "⭐⭐"],
    ["⭐ ⭐ ⭐", "⭐⭐⭐"],
    ["5⭐", "5 ⭐"],
    ["⭐⭐excelente", "⭐⭐ excelente"],
    ["☆☆", ""], // hollow stars are not counted
    // other emoji are decoration
    ["👍", ""],
    ["stop 🙏🏽", "stop"],
    ["❤️ gracias", "gracias"],
    ["", ""],
  ])("%j → %j", (input, expected) => {
    expect(normalizeReply(input)).toBe(expected);
  });
});
