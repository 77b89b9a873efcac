/**
 * The names of the authentication methods wservice implements, as HELLO `authmethods` and
 * CHALLENGE carry them. No crypto here, so the browser bundle's client reads them too.
 */
export const TICKET = 'ticket';
export const WAMPCRA = 'wampcra';
export const CRYPTOSIGN = 'cryptosign';
