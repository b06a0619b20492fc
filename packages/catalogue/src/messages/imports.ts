import { m } from "../define.ts";

/** Per-row problems of an uploaded patient list that need the workspace to decide (the doctor column). */
export const imports = {
  "imports.preview.doctor": m({ es: "Médico", en: "Doctor" }),
  "imports.doctor.unknown": m<{ name: string }>({
    es: "El médico «{name}» no es un usuario del espacio de trabajo (médico o propietario). Escriba el nombre como en Usuarios o invítelo primero.",
    en: "The doctor “{name}” is not a user of the workspace (doctor or owner). Write the name as it appears under Users, or invite them first.",
  }),
  "imports.doctor.ambiguous": m<{ name: string }>({
    es: "Hay más de un usuario llamado «{name}»: no se sabe de qué médico es la cita. Cambie el nombre de uno de ellos en Usuarios.",
    en: "More than one user is called “{name}”: it is unclear whose appointment this is. Rename one of them under Users.",
  }),
  "imports.destination.notAllowed": m<{ country: string; allowed: string }>({
    es: "País de destino no permitido ({country}): este espacio de trabajo solo envía a {allowed}. El propietario puede añadir países en Configuración.",
    en: "Destination country not allowed ({country}): this workspace only sends to {allowed}. The owner can add countries in Settings.",
  }),
};
