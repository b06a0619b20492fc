/**
 * The one size limit of a patient-list upload: 20 MiB for the whole request body. The web app refuses
 * a bigger upload with 413 and the parser stops reading there (`parsePatientCsv`'s default
 * `maxBytes`). The chart's ingress allows exactly as much: `ingress.bodySizeLimit: 20m` in
 * charts/reputation-manager/values.yaml (ingress-nginx reads `m` as MiB) — change both together;
 * apps/web/test/campaign-routes.test.ts checks that they agree.
 */
export const MAX_UPLOAD_BYTES = 20 * 1024 * 1024;
