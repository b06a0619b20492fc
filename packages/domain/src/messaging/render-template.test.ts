import { describe, expect, it } from "vitest";
import { TEMPLATE_VARIABLES, findUnknownVariables, renderTemplate } from "./render-template.ts";

// The default INITIAL template, and one that uses the appointment type.
const INITIAL = "Hola {{name}}, ¿cómo calificarías tu visita al {{practice}}? Responde del 1 al 5.";
const WITH_TYPE = "Hola {{name}}, ¿cómo calificarías tu {{appointmentType}} con {{doctor}}? Responde del 1 al 5.";

describe("findUnknownVariables", () => {
  it("accepts every documented variable", () => {
    const all = TEMPLATE_VARIABLES.map((v) => `{{${v}}}`).join(" ");
    expect(findUnknownVariables(all)).toEqual([]);
    expect(findUnknownVariables(INITIAL)).toEqual([]);
  });

  it.each([
    ["Hola {{nombre}}, gracias", ["nombre"]], // the Spanish word is not a variable
    ["{{Name}} {{name}}", ["Name"]], // case matters
    ["{{ name }} and {{ nme }} {{nme}}", ["nme"]], // spaces allowed; reported once
    ["{{}}", [""]],
    ["{{doctor.name}}", ["doctor.name"]],
    ["no placeholders {single}", []],
  ])("%j → %j", (text, unknown) => {
    expect(findUnknownVariables(text)).toEqual(unknown);
  });
});

describe("renderTemplate", () => {
  it("fills a template with the appointment type and doctor", () => {
    expect(
      renderTemplate(WITH_TYPE, { name: "Juan Pérez", appointmentType: "Limpieza Dental", doctor: "Dr. María López" }),
    ).toBe("Hola Juan Pérez, ¿cómo calificarías tu Limpieza Dental con Dr. María López? Responde del 1 al 5.");
  });

  it("renders a missing optional value empty and tidies the gap", () => {
    expect(renderTemplate(WITH_TYPE, { name: "Ana", doctor: "la Dra. Vera" })).toBe(
      "Hola Ana, ¿cómo calificarías tu con la Dra. Vera? Responde del 1 al 5.",
    );
    expect(renderTemplate(INITIAL, { practice: "Clínica Sonrisas" })).toBe(
      "Hola, ¿cómo calificarías tu visita al Clínica Sonrisas? Responde del 1 al 5.",
    );
    expect(renderTemplate("Gracias {{name}}!", { name: null })).toBe("Gracias!");
  });

  it("tolerates spaces inside braces and repeated variables", () => {
    expect(renderTemplate("{{ name }} / {{name}}", { name: "Ana" })).toBe("Ana / Ana");
  });

  it("never expands placeholders inside values", () => {
    expect(renderTemplate("Hola {{name}}", { name: "{{practice}}", practice: "X" })).toBe("Hola {{practice}}");
  });

  it("collapses whitespace inside values (no injected line breaks)", () => {
    expect(renderTemplate("Hola {{name}}.", { name: "  María \n Fernanda\t" })).toBe("Hola María Fernanda.");
  });

  it("keeps the template's own line breaks and links", () => {
    const text = "¡Gracias {{name}}!\nDéjanos tu reseña:  {{reviewLink}}";
    expect(renderTemplate(text, { name: "Ana", reviewLink: "https://rm.example/r/abc?x=1" })).toBe(
      "¡Gracias Ana!\nDéjanos tu reseña: https://rm.example/r/abc?x=1",
    );
  });

  it("drops unknown placeholders instead of sending braces to a patient", () => {
    expect(renderTemplate("Hola {{nombre}}, gracias", {})).toBe("Hola, gracias");
  });
});
