// Upload progress for the patient-list form, with JavaScript (SPEC §5.1): the same multipart POST the
// form sends without script, through XMLHttpRequest so the browser reports the bytes sent. The
// server's answer is followed as a plain submit would: its redirect (the preview) by a client
// navigation, anything else (a refused file, with its errors) by showing the page it returned.
import { useNavigate } from "@remix-run/react";
import { useState, type FormEvent } from "react";
import { useLocale, useMsg } from "../i18n.ts";
import { formatDecimal } from "./charts.tsx";

export type UploadPhase = { kind: "idle" } | { kind: "uploading"; loaded: number; total: number } | { kind: "reading" };

export function useUploadProgress(): { phase: UploadPhase; onSubmit: (event: FormEvent<HTMLFormElement>) => void } {
  const navigate = useNavigate();
  const [phase, setPhase] = useState<UploadPhase>({ kind: "idle" });
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    const form = event.currentTarget;
    // Only where the browser reports upload progress; elsewhere the form posts as without script.
    if (typeof XMLHttpRequest === "undefined" || !("upload" in XMLHttpRequest.prototype)) return;
    event.preventDefault();
    const body = new FormData(form);
    const url = form.getAttribute("action") || window.location.pathname + window.location.search;
    const xhr = new XMLHttpRequest();
    xhr.open("POST", url);
    xhr.upload.onprogress = (e) => setPhase({ kind: "uploading", loaded: e.loaded, total: e.lengthComputable ? e.total : 0 });
    // Every byte sent: the server now reads the file.
    xhr.upload.onload = () => setPhase({ kind: "reading" });
    xhr.onload = () => {
      const landed = new URL(xhr.responseURL || url, window.location.href);
      const posted = new URL(url, window.location.href);
      if (xhr.status < 400 && landed.pathname !== posted.pathname) {
        navigate(`${landed.pathname}${landed.search}`);
        return;
      }
      // The form page again, with the server's errors: shown as a plain submit would show it.
      document.open();
      document.write(xhr.responseText);
      document.close();
    };
    // A network failure: the form posts the plain way, which shows the browser's own error.
    xhr.onerror = () => {
      setPhase({ kind: "idle" });
      form.submit();
    };
    setPhase({ kind: "uploading", loaded: 0, total: 0 });
    xhr.send(body);
  };
  return { phase, onSubmit };
}

/** The bar and its words while the file goes up, then while the server reads it. */
export function UploadProgress({ phase }: { phase: UploadPhase }) {
  const msg = useMsg();
  const locale = useLocale();
  if (phase.kind === "idle") return null;
  // Sizes in MB, or in KB for a file under 1 MB (so small files do not read "0 of 0.1 MB").
  const inKb = phase.kind === "uploading" && phase.total < 1024 * 1024;
  const size = (bytes: number) => formatDecimal(bytes / (inKb ? 1024 : 1024 * 1024), locale, inKb ? 0 : 1);
  return (
    <div className="upload-progress" data-testid="upload-progress" data-phase={phase.kind}>
      {phase.kind === "uploading" && phase.total > 0 ? (
        <>
          <progress max={phase.total} value={phase.loaded} aria-label={msg("upload.progress.label")} />
          <p role="status">{msg("upload.progress.sending", { percent: String(Math.floor((phase.loaded / phase.total) * 100)), sent: size(phase.loaded), total: size(phase.total), unit: inKb ? "KB" : "MB" })}</p>
        </>
      ) : (
        <>
          <progress aria-label={msg("upload.progress.label")} />
          <p role="status">{phase.kind === "reading" ? msg("upload.progress.reading") : msg("upload.progress.starting")}</p>
        </>
      )}
    </div>
  );
}
