// What a template costs and looks like: preview on sample data, SMS encoding and segments, the
// characters that force UCS-2, credits per message, unknown variables and the procedure warning.
import type { TemplateAnalysis } from "@rm/accounts";
import { useMsg } from "../i18n.ts";

export type Analysis = TemplateAnalysis;

export function TemplateAnalysisPanel({ analysis, onUseGsm }: { analysis: Analysis; onUseGsm?: (() => void) | undefined }) {
  const msg = useMsg();
  const ucs2 = analysis.encoding === "UCS2";
  return (
    <section className="analysis" aria-live="polite" aria-labelledby="analysis-title">
      <h2 id="analysis-title">{msg("templates.analysis.title")}</h2>
      <p className="sms-preview" data-testid="preview">
        {analysis.preview || msg("templates.analysis.empty")}
      </p>
      {analysis.unknownVariables.length ? (
        <p className="error" role="alert" data-testid="unknown-variables">
          {msg("templates.analysis.unknown", { names: analysis.unknownVariables.map((v) => `{{${v}}}`).join(", ") })}
        </p>
      ) : null}
      <dl className="stats">
        <div>
          <dt>{msg("templates.analysis.characters")}</dt>
          <dd data-testid="characters">{analysis.characters}</dd>
        </div>
        <div>
          <dt>{msg("templates.analysis.segments")}</dt>
          <dd data-testid="segments">{analysis.segments}</dd>
        </div>
        <div>
          <dt>{msg("templates.analysis.encoding")}</dt>
          <dd data-testid="encoding">{ucs2 ? "UCS-2" : "GSM-7"}</dd>
        </div>
        <div>
          <dt>{msg("templates.analysis.credits")}</dt>
          <dd data-testid="credits">
            SMS {analysis.credits.SMS} · WhatsApp {analysis.credits.WHATSAPP}
          </dd>
        </div>
      </dl>
      <p className="muted">
        {ucs2 ? msg("templates.analysis.ucs2") : msg("templates.analysis.gsm7")}
      </p>
      {ucs2 ? (
        <div className="warning-box" data-testid="ucs2-warning">
          <p>
            {msg("templates.analysis.nonGsm")}{" "}
            <strong data-testid="non-gsm">{analysis.nonGsmCharacters.map((c) => `“${c}”`).join(" ")}</strong>
          </p>
          {analysis.gsmVariant ? (
            <p>
              {msg("templates.analysis.gsmVariant", { segments: analysis.gsmVariant.segments })}{" "}
              <span className="sms-preview inline">{analysis.gsmVariant.text}</span>{" "}
              {onUseGsm ? (
                <button type="button" className="secondary small" onClick={onUseGsm}>
                  {msg("templates.analysis.useGsm")}
                </button>
              ) : (
                <button type="submit" name="intent" value="gsm" className="secondary small">
                  {msg("templates.analysis.useGsm")}
                </button>
              )}
            </p>
          ) : null}
        </div>
      ) : null}
      {analysis.procedureMentions.length ? (
        <p className="warning-box" role="note" data-testid="procedure-warning">
          {msg("templates.analysis.procedure", { words: analysis.procedureMentions.join(", ") })}
        </p>
      ) : null}
    </section>
  );
}
