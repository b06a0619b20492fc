// Credits of a message (SPEC §6) without paying the full segment calculator for every patient.
// The calculator (domain countSegments) costs about 1 ms for a UCS-2 text; a campaign renders one
// body per patient, so 10,000 SMS patients would spend 10 s here. For the common UCS-2 case — text
// with an accent (í, ó, ú, á) but no surrogate pairs or combining marks — every UTF-16 unit is one
// character and the count is plain arithmetic; anything else goes to the calculator.
import { countSegments, creditsFor } from "@rm/domain";
import type { Channel } from "./fields.ts";

// GSM 03.38 basic and extension tables: text made only of these is GSM-7.
const GSM_ALL = /^[@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&'()*+,\-./0-9:;<=>?¡A-ZÄÖÑÜ§¿a-zäöñüà\f^{}\\[~\]|€]*$/;
// Surrogates, combining marks, joiners and variation selectors: characters made of several units.
const MULTI_UNIT_RANGES: readonly [number, number][] = [
  [0xd800, 0xdfff],
  [0x0300, 0x036f],
  [0x0483, 0x0489],
  [0x0591, 0x05bd],
  [0x0610, 0x061a],
  [0x064b, 0x065f],
  [0x1ab0, 0x1aff],
  [0x1dc0, 0x1dff],
  [0x200b, 0x200f],
  [0x20d0, 0x20ff],
  [0xfe00, 0xfe0f],
  [0xfe20, 0xfe2f],
];

function hasMultiUnitCharacters(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x0300) continue;
    for (const [from, to] of MULTI_UNIT_RANGES) if (code >= from && code <= to) return true;
  }
  return false;
}

export function creditsForText(channel: Channel, text: string): number {
  if (channel === "WHATSAPP") return creditsFor(channel, text);
  if (text.length > 0 && !GSM_ALL.test(text) && !hasMultiUnitCharacters(text)) {
    return text.length <= 70 ? 1 : Math.ceil(text.length / 67);
  }
  return countSegments(text).segments;
}
