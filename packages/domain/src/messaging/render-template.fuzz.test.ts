// Property tests of template rendering (SPEC §5.4, §11): a patient's data (from a CSV) can never
// break a message — no throw, no second expansion of `{{…}}` inside a value, no injected line
// breaks — and the template check reports exactly the placeholders that are not variables.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { findUnknownVariables, renderTemplate, TEMPLATE_VARIABLES, type TemplateValues } from "./render-template.ts";

const variable = fc.constantFrom(...TEMPLATE_VARIABLES);
const anyValue = fc.option(fc.string({ unit: "grapheme", maxLength: 60 }), { nil: undefined });
const anyValues: fc.Arbitrary<TemplateValues> = fc.record(Object.fromEntries(TEMPLATE_VARIABLES.map((v) => [v, anyValue])) as Record<string, typeof anyValue>, {
  requiredKeys: [],
}) as fc.Arbitrary<TemplateValues>;
/** Template text without braces or line breaks, words of letters and digits with single spaces. */
const plainText = fc.stringMatching(/^[A-Za-z0-9áéíóúñÑ¡!,. ]{0,40}$/);

describe("renderTemplate, for any template and any values", () => {
  it("never throws", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 300 }), anyValues, (text, values) => {
        expect(typeof renderTemplate(text, values)).toBe("string");
        expect(Array.isArray(findUnknownVariables(text))).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it("a value can never add a line break to a one-line template", () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(plainText, variable.map((v) => `{{${v}}}`)), { maxLength: 8 }), anyValues, (parts, values) => {
        expect(renderTemplate(parts.join(" "), values)).not.toMatch(/[\n\r\u2028\u2029]/);
      }),
      { numRuns: 1000 },
    );
  });

  it("a value that contains placeholders is inserted as text, never expanded", () => {
    const valueText = fc.array(fc.oneof(fc.stringMatching(/^[A-Za-z0-9]{1,8}$/), variable.map((v) => `{{${v}}}`)), { minLength: 1, maxLength: 5 }).map((w) => w.join(" "));
    fc.assert(
      fc.property(variable, valueText, fc.string({ maxLength: 20 }), (name, value, other) => {
        const values: TemplateValues = Object.fromEntries(TEMPLATE_VARIABLES.map((v) => [v, other]));
        values[name] = value;
        expect(renderTemplate(`{{${name}}}`, values)).toBe(value);
      }),
    );
  });

  it("leaves no known placeholder behind", () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(plainText, variable.map((v) => `{{ ${v} }}`), variable.map((v) => `{{${v}}}`)), { maxLength: 8 }), anyValues, (parts, values) => {
        const safe = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, v?.replace(/[{}]/g, "")]));
        expect(renderTemplate(parts.join(" "), safe)).not.toMatch(/\{\{|\}\}/);
      }),
    );
  });
});

describe("findUnknownVariables", () => {
  it("accepts templates made only of known variables", () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(plainText, variable.map((v) => `{{${v}}}`)), { maxLength: 10 }), (parts) => {
        expect(findUnknownVariables(parts.join(" "))).toEqual([]);
      }),
    );
  });

  it("reports every placeholder that is not a variable, once", () => {
    const unknownName = fc.stringMatching(/^[a-z][a-zA-Z]{0,12}$/).filter((n) => !(TEMPLATE_VARIABLES as readonly string[]).includes(n));
    fc.assert(
      fc.property(unknownName, variable, plainText, (bad, good, text) => {
        expect(findUnknownVariables(`${text} {{${bad}}} {{${good}}} {{ ${bad} }}`)).toEqual([bad]);
      }),
    );
  });
});
