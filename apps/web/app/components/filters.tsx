// A filter of a list page's GET form: a labelled select whose first option ("all") means no filter.
export function SelectFilter({
  id,
  name,
  label,
  allLabel,
  defaultValue,
  options,
}: {
  id: string;
  name: string;
  label: string;
  allLabel: string;
  defaultValue: string;
  options: readonly { value: string; label: string }[];
}) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} name={name} defaultValue={defaultValue}>
        <option value="">{allLabel}</option>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}

/** Named rows (practices, doctors) as select options. */
export function namedOptions(rows: readonly { id: string; name: string }[]): { value: string; label: string }[] {
  return rows.map((r) => ({ value: r.id, label: r.name }));
}
