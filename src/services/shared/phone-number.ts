/** E.164: a plus, a non-zero country-code digit, then up to 14 more digits. */
export const E164 = /^\+[1-9]\d{1,14}$/;
