// What a template costs and looks like: preview on sample data, SMS encoding and segments, the
// characters that force UCS-2, credits per message, unknown variables and the procedure warning.
import type { TemplateAnalysis } from "@rm/accounts";
import { useT } from "../i18n.ts";

export type Analysis = TemplateAnalysis;

export function TemplateAnalysisPanel({ analysis, onUseGsm }: { analysis: Analysis; onUseGsm?: (() => void) | undefined }) {
  const t = useT();
  const ucs2 = analysis.encoding === "UCS2";
  return (
    <section className="analysis" aria-live="polite" aria-labelledby="analysis-title">
      <h2 id="analysis-title">{t("Vista previa con datos de ejemplo", "Preview with sample data")}</h2>
      <p className="sms-preview" data-testid="preview">
        {analysis.preview || t("(vacío)", "(empty)")}
      </p>
      {analysis.unknownVariables.length ? (
        <p className="error" role="alert" data-testid="unknown-variables">
          {t("Variables desconocidas:", "Unknown variables:")} {analysis.unknownVariables.map((v) => `{{${v}}}`).join(", ")}.{" "}
          {t("No se puede guardar hasta corregirlas.", "It cannot be saved until they are fixed.")}
        </p>
      ) : null}
      <dl className="stats">
        <div>
          <dt>{t("Caracteres (SMS)", "Characters (SMS)")}</dt>
          <dd data-testid="characters">{analysis.characters}</dd>
        </div>
        <div>
          <dt>{t("Segmentos SMS", "SMS segments")}</dt>
          <dd data-testid="segments">{analysis.segments}</dd>
        </div>
        <div>
          <dt>{t("Codificación", "Encoding")}</dt>
          <dd data-testid="encoding">{ucs2 ? "UCS-2" : "GSM-7"}</dd>
        </div>
        <div>
          <dt>{t("Créditos por mensaje", "Credits per message")}</dt>
          <dd data-testid="credits">
            SMS {analysis.credits.SMS} · WhatsApp {analysis.credits.WHATSAPP}
          </dd>
        </div>
      </dl>
      <p className="muted">
        {ucs2
          ? t(
              `UCS-2: hasta 70 caracteres por segmento (67 si son varios).`,
              `UCS-2: up to 70 characters per segment (67 when there are several).`,
            )
          : t(`GSM-7: hasta 160 caracteres por segmento (153 si son varios).`, `GSM-7: up to 160 characters per segment (153 when there are several).`)}
      </p>
      {ucs2 ? (
        <div className="warning-box" data-testid="ucs2-warning">
          <p>
            {t("Estos caracteres obligan a usar UCS-2 en SMS:", "These characters force UCS-2 for SMS:")}{" "}
            <strong data-testid="non-gsm">{analysis.nonGsmCharacters.map((c) => `“${c}”`).join(" ")}</strong>
          </p>
          {analysis.gsmVariant ? (
            <p>
              {t(
                `Una versión sin tildes para SMS ocuparía ${analysis.gsmVariant.segments} segmento(s):`,
                `An unaccented SMS version would take ${analysis.gsmVariant.segments} segment(s):`,
              )}{" "}
              <span className="sms-preview inline">{analysis.gsmVariant.text}</span>{" "}
              {onUseGsm ? (
                <button type="button" className="secondary small" onClick={onUseGsm}>
                  {t("Usar como texto SMS", "Use as SMS text")}
                </button>
              ) : (
                <button type="submit" name="intent" value="gsm" className="secondary small">
                  {t("Usar como texto SMS", "Use as SMS text")}
                </button>
              )}
            </p>
          ) : null}
        </div>
      ) : null}
      {analysis.procedureMentions.length ? (
        <p className="warning-box" role="note" data-testid="procedure-warning">
          {t(
            "Atención: el texto nombra un procedimiento o tipo de cita",
            "Careful: the text names a procedure or appointment type",
          )}{" "}
          ({analysis.procedureMentions.join(", ")}).{" "}
          {t(
            "Cualquiera que vea el teléfono del paciente lo leerá: evite datos de salud en los mensajes.",
            "Anyone who sees the patient's phone will read it: keep health details out of messages.",
          )}
        </p>
      ) : null}
    </section>
  );
}
