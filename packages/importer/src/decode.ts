// Text from the bytes Excel writes: UTF-8 with or without BOM, UTF-16LE ("Unicode text"), or
// Windows-1252 (Excel's "CSV" on a Spanish Windows). Decided on the fly: bytes that are not valid
// UTF-8 mean Windows-1252 from there on. Chunk boundaries never split a character.
import { isUtf8 } from "node:buffer";
import iconv from "iconv-lite";

export type DetectedEncoding = "utf-8" | "utf-8-bom" | "utf-16le" | "windows-1252";

/** Length of the tail of `buf` that is the start of a multi-byte UTF-8 sequence still missing bytes. */
function incompleteUtf8Tail(buf: Uint8Array): number {
  const n = buf.length;
  for (let back = 1; back <= Math.min(3, n); back++) {
    const b = buf[n - back]!;
    if ((b & 0xc0) === 0x80) continue; // continuation byte: keep looking for the lead
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return need > back ? back : 0;
  }
  return 0;
}

// Node's own decoder (full ICU) is several times faster than a JS table; iconv-lite where it is missing.
const win1252: (bytes: Uint8Array) => string = (() => {
  try {
    const decoder = new TextDecoder("windows-1252");
    return (bytes: Uint8Array) => decoder.decode(bytes);
  } catch {
    return (bytes: Uint8Array) => iconv.decode(Buffer.from(bytes), "win1252");
  }
})();

function hasHighBytes(buf: Uint8Array): boolean {
  for (let i = 0; i < buf.length; i++) if (buf[i]! >= 0x80) return true;
  return false;
}

export class ExcelTextDecoder {
  /** "ascii" until the first non-ASCII byte decides between UTF-8 and Windows-1252. */
  private mode: "start" | "ascii" | "utf-8" | "utf-8-bom" | "utf-16le" | "windows-1252" = "start";
  private pending: Buffer = Buffer.alloc(0);
  private utf16 = iconv.getDecoder("utf16le");
  /** Set when valid UTF-8 text was followed by bytes that are not (a file saved from two sources). */
  mixed = false;

  get encoding(): DetectedEncoding {
    if (this.mode === "start" || this.mode === "ascii") return "utf-8";
    return this.mode;
  }

  write(chunk: Uint8Array): string {
    let data: Buffer = this.pending.length > 0 ? Buffer.concat([this.pending, chunk]) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    this.pending = Buffer.alloc(0);
    if (this.mode === "start") {
      if (data.length < 3 && data.length > 0 && (data[0] === 0xef || data[0] === 0xff)) {
        this.pending = Buffer.from(data);
        return "";
      }
      if (data[0] === 0xef && data[1] === 0xbb && data[2] === 0xbf) {
        this.mode = "utf-8-bom";
        data = data.subarray(3);
      } else if (data[0] === 0xff && data[1] === 0xfe) {
        this.mode = "utf-16le";
        data = data.subarray(2);
      } else if (data.length > 0) {
        this.mode = "ascii";
      } else {
        return "";
      }
    }
    if (this.mode === "utf-16le") return this.utf16.write(data);
    if (this.mode === "windows-1252") return win1252(data);

    const tail = incompleteUtf8Tail(data);
    const head = tail > 0 ? data.subarray(0, data.length - tail) : data;
    if (isUtf8(head)) {
      if (tail > 0) this.pending = Buffer.from(data.subarray(data.length - tail));
      if (this.mode === "ascii" && hasHighBytes(head)) this.mode = "utf-8";
      return head.toString("utf8");
    }
    if (this.mode === "utf-8" || this.mode === "utf-8-bom") this.mixed = true;
    this.mode = "windows-1252";
    return win1252(data);
  }

  end(): string {
    const rest = this.pending;
    this.pending = Buffer.alloc(0);
    if (this.mode === "utf-16le") return this.utf16.end() ?? "";
    if (rest.length === 0) return "";
    if (this.mode === "start") this.mode = "ascii";
    // A truncated multi-byte sequence at the very end is not UTF-8.
    if (this.mode === "utf-8" || this.mode === "utf-8-bom") this.mixed = true;
    this.mode = "windows-1252";
    return win1252(rest);
  }
}
