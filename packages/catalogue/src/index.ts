export { m, LOCALES, type Entry, type Locale, type Params, type ParamValue, type Texts } from "./define.ts";
export { catalogue, type Catalogue, type MessageCode } from "./catalogue.ts";
export { coded, createMsg, formatCoded, isCoded, isMessageCode, LOCALE_TAGS, type Coded, type Msg } from "./translate.ts";
