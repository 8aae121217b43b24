// IBKR's statement parsers, for the registry in src/custodians/parsers.ts.
import type { StatementParser } from "../statement.ts";
import { ibkrFlexXmlParser } from "./flex-xml.ts";

export const IBKR_PARSERS: readonly StatementParser[] = [ibkrFlexXmlParser];
