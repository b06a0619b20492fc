export { m, LOCALES, type Entry, type Locale, type Params, type ParamValue, type Texts } from "./define.ts";
export { catalogue, type Catalogue, type MessageCode } from "./catalogue.ts";
export { createMsg, LOCALE_TAGS, type Msg } from "./translate.ts";
