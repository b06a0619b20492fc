// The knowledge page's plain form (works without JavaScript): lists are typed one item per line, so the
// whole knowledge is a handful of text fields. Parsing returns the knowledge or, per field, an error the
// page shows next to it; nothing is saved unless every field is valid, and the typed text is sent back.
import type { Bilingual, Interval, PracticeKnowledge, WeeklyHours } from "./knowledge.ts";
import { knowledgeSchema, WEEKDAYS } from "./knowledge.ts";

export type KnowledgeFieldError =
  | { code: "assistant.error.interval"; params: { value: string } }
  | { code: "assistant.error.date"; params: { value: string } }
  | { code: "assistant.error.line"; params: { line: number } }
  | { code: "assistant.error.awayHours" }
  | { code: "assistant.error.tooLong" };

export type KnowledgeForm = Record<string, string>;

export type ParsedKnowledgeForm = { ok: true; knowledge: PracticeKnowledge } | { ok: false; errors: Record<string, KnowledgeFieldError> };

/** The bilingual text fields: `<name>.es` and `<name>.en` in the form. */
export const TEXT_FIELDS = ["hoursNote", "locationNote", "priceNote", "insurance", "booking", "payment", "parking"] as const;

const lines = (text: string) => text.split(/\r?\n/).map((l) => l.trim());

class FieldProblem extends Error {
  readonly error: KnowledgeFieldError;
  constructor(error: KnowledgeFieldError) {
    super(error.code);
    this.error = error;
  }
}

function parseIntervals(text: string): Interval[] {
  const out: Interval[] = [];
  for (const part of text.split(/[,;]/).map((p) => p.trim()).filter(Boolean)) {
    const m = /^(\d{1,2})[:.h](\d{2})\s*[-–a]\s*(\d{1,2})[:.h](\d{2})$/i.exec(part.replace(/\s+/g, " ").replace(/ a /i, "-"));
    const from = m && `${m[1]!.padStart(2, "0")}:${m[2]}`;
    const to = m && `${m[3]!.padStart(2, "0")}:${m[4]}`;
    if (!from || !to || !/^([01]\d|2[0-3]):[0-5]\d$/.test(from) || !/^([01]\d|2[0-3]):[0-5]\d$/.test(to) || from >= to) {
      throw new FieldProblem({ code: "assistant.error.interval", params: { value: part } });
    }
    out.push({ from, to });
  }
  return out.sort((a, b) => a.from.localeCompare(b.from));
}

function parseDays(text: string, line: number): number[] {
  const days = new Set<number>();
  for (const part of text.split(",").map((p) => p.trim()).filter(Boolean)) {
    const range = /^([1-7])\s*-\s*([1-7])$/.exec(part);
    if (range && Number(range[1]) <= Number(range[2])) for (let d = Number(range[1]); d <= Number(range[2]); d++) days.add(d);
    else if (/^[1-7]$/.test(part)) days.add(Number(part));
    else throw new FieldProblem({ code: "assistant.error.line", params: { line } });
  }
  if (!days.size) throw new FieldProblem({ code: "assistant.error.line", params: { line } });
  return [...days];
}

const bilingual = (form: KnowledgeForm, name: string): Bilingual => ({ es: (form[`${name}.es`] ?? "").trim(), en: (form[`${name}.en`] ?? "").trim() });

/** Reads the submitted form into knowledge (the practice's time zone comes from the practice, not the form). */
export function parseKnowledgeForm(form: KnowledgeForm, timezone: string): ParsedKnowledgeForm {
  const errors: Record<string, KnowledgeFieldError> = {};
  const field = <T>(name: string, read: () => T, fallback: T): T => {
    try {
      return read();
    } catch (err) {
      if (!(err instanceof FieldProblem)) throw err;
      errors[name] = err.error;
      return fallback;
    }
  };

  const hours: WeeklyHours = {};
  for (const d of WEEKDAYS) {
    const intervals = field(`hours.${d}`, () => parseIntervals(form[`hours.${d}`] ?? ""), []);
    if (intervals.length) hours[String(d) as keyof WeeklyHours] = intervals;
  }

  const holidays = field(
    "holidays",
    () =>
      lines(form.holidays ?? "")
        .filter(Boolean)
        .map((value) => {
          if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`)) || new Date(`${value}T00:00:00Z`).toISOString().slice(0, 10) !== value) {
            throw new FieldProblem({ code: "assistant.error.date", params: { value } });
          }
          return value;
        }),
    [],
  );

  const doctors = field(
    "doctors",
    () => {
      const byName = new Map<string, WeeklyHours>();
      lines(form.doctors ?? "").forEach((text, i) => {
        if (!text) return;
        const [name, days, intervals, ...rest] = text.split("|").map((p) => p.trim());
        if (!name || !days || !intervals || rest.length) throw new FieldProblem({ code: "assistant.error.line", params: { line: i + 1 } });
        const own = byName.get(name) ?? {};
        for (const d of parseDays(days, i + 1)) own[String(d) as keyof WeeklyHours] = parseIntervals(intervals);
        byName.set(name, own);
      });
      return [...byName].map(([name, hours]) => ({ name, hours }));
    },
    [],
  );

  const services = field(
    "services",
    () =>
      lines(form.services ?? "").flatMap((text, i) => {
        if (!text) return [];
        const [es, en = "", price = "", aliases = "", ...rest] = text.split("|").map((p) => p.trim());
        if (!es || rest.length) throw new FieldProblem({ code: "assistant.error.line", params: { line: i + 1 } });
        return [{ name: { es, en }, price, aliases: aliases.split(",").map((a) => a.trim()).filter(Boolean) }];
      }),
    [],
  );

  const faqs = field(
    "faqs",
    () =>
      (form.faqs ?? "")
        .split(/\r?\n\s*\r?\n/)
        .map((block) => block.trim())
        .filter(Boolean)
        .map((block, i) => {
          const faq = { question: { es: "", en: "" }, answer: { es: "", en: "" } };
          for (const line of lines(block)) {
            const m = /^([PRQA]):\s*(.*)$/i.exec(line);
            if (!m) throw new FieldProblem({ code: "assistant.error.line", params: { line: i + 1 } });
            const [part, lang] = ({ P: ["question", "es"], R: ["answer", "es"], Q: ["question", "en"], A: ["answer", "en"] } as const)[m[1]!.toUpperCase() as "P" | "R" | "Q" | "A"];
            faq[part][lang] = m[2]!.trim();
          }
          if (!(faq.question.es || faq.question.en) || !(faq.answer.es || faq.answer.en)) throw new FieldProblem({ code: "assistant.error.line", params: { line: i + 1 } });
          return faq;
        }),
    [],
  );

  const awayIntervalHours = field(
    "awayIntervalHours",
    () => {
      const n = Number((form.awayIntervalHours ?? "").trim());
      if (!Number.isInteger(n) || n < 1 || n > 336) throw new FieldProblem({ code: "assistant.error.awayHours" });
      return n;
    },
    12,
  );

  const candidate: PracticeKnowledge = {
    timezone,
    hours,
    holidays,
    doctors,
    hoursNote: bilingual(form, "hoursNote"),
    address: (form.address ?? "").trim(),
    mapUrl: (form.mapUrl ?? "").trim(),
    locationNote: bilingual(form, "locationNote"),
    services,
    priceNote: bilingual(form, "priceNote"),
    insurance: bilingual(form, "insurance"),
    insurers: (form.insurers ?? "").split(",").map((i) => i.trim()).filter(Boolean),
    booking: bilingual(form, "booking"),
    payment: bilingual(form, "payment"),
    parking: bilingual(form, "parking"),
    faqs,
    awayIntervalHours,
  };
  if (Object.keys(errors).length) return { ok: false, errors };
  const checked = knowledgeSchema.safeParse(candidate);
  if (!checked.success) {
    // Lengths and counts: the only limits the line formats above do not already enforce.
    for (const issue of checked.error.issues) {
      const [top, , sub] = issue.path.map(String);
      const name = top && (TEXT_FIELDS as readonly string[]).includes(top) && sub === undefined ? `${top}.${String(issue.path[1])}` : (top ?? "address");
      errors[name] ??= { code: "assistant.error.tooLong" };
    }
    return { ok: false, errors };
  }
  return { ok: true, knowledge: checked.data };
}

/** The form's fields for stored knowledge (what the page shows to edit). */
export function knowledgeToForm(k: PracticeKnowledge): KnowledgeForm {
  const form: KnowledgeForm = {};
  const intervals = (list: Interval[]) => list.map((i) => `${i.from}-${i.to}`).join(", ");
  for (const d of WEEKDAYS) form[`hours.${d}`] = intervals(k.hours[String(d) as keyof WeeklyHours] ?? []);
  form.holidays = k.holidays.join("\n");
  form.doctors = k.doctors
    .flatMap((doc) => {
      // Days with the same hours on one line: "Dra. Paredes | 1,3,5 | 08:00-18:00".
      const groups = new Map<string, number[]>();
      for (const d of WEEKDAYS) {
        const list = doc.hours[String(d) as keyof WeeklyHours] ?? [];
        if (list.length) groups.set(intervals(list), [...(groups.get(intervals(list)) ?? []), d]);
      }
      return [...groups].map(([hours, days]) => `${doc.name} | ${days.join(",")} | ${hours}`);
    })
    .join("\n");
  for (const name of TEXT_FIELDS) {
    form[`${name}.es`] = k[name].es;
    form[`${name}.en`] = k[name].en;
  }
  form.address = k.address;
  form.mapUrl = k.mapUrl;
  form.services = k.services.map((s) => [s.name.es, s.name.en, s.price, s.aliases.join(", ")].join(" | ").replace(/( \| )+$/, "")).join("\n");
  form.insurers = k.insurers.join(", ");
  form.faqs = k.faqs
    .map((f) => [`P: ${f.question.es}`, `R: ${f.answer.es}`, f.question.en && `Q: ${f.question.en}`, f.answer.en && `A: ${f.answer.en}`].filter(Boolean).join("\n"))
    .join("\n\n");
  form.awayIntervalHours = String(k.awayIntervalHours);
  return form;
}
