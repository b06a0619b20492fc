/** A wall-clock "dd/mm/aaaa hh:mm" in Guayaquil (UTC−5, no DST), as a practice's Excel export has it. */
export function excelDate(at: Date): string {
  const local = new Date(at.getTime() - 5 * 3_600_000);
  const p = (n: number) => String(n).padStart(2, "0");
  return `${p(local.getUTCDate())}/${p(local.getUTCMonth() + 1)}/${local.getUTCFullYear()} ${p(local.getUTCHours())}:${p(local.getUTCMinutes())}`;
}
