import { createContext, useContext } from 'react'

// The per-request CSP nonce (server.ts makes it; entry.server.tsx provides it). The browser hides a
// nonce attribute from scripts, so on the client this is '' and React keeps the server's value.
const NonceContext = createContext('')
export const NonceProvider = NonceContext.Provider
export const useNonce = () => useContext(NonceContext)
