// The CSP nonce of the response being rendered (server only; the browser never needs it again
// once the document's scripts have run).
import { createContext, useContext } from "react";

export const NonceContext = createContext<string | undefined>(undefined);

export function useNonce(): string | undefined {
  return useContext(NonceContext);
}
