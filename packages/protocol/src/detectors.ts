/**
 * Detectors for values that look like personal data or secrets. They screen the
 * only free-form strings in the protocol (additionalData); every other string is
 * a closed pattern that cannot hold these in the first place.
 */

interface Detector {
  name: string;
  test(value: string): boolean;
}

const IPV4 = /(^|[^\d.])(\d{1,3}\.){3}\d{1,3}($|[^\d.])/;
// two or more colons between hex groups: every IPv6 form (::1, fe80::…, ::ffff:…), at the cost of a few false alarms
const IPV6 = /(^|[^0-9a-z])[0-9a-f]{0,4}(:[0-9a-f]{0,4}){2,}/i;
const EMAIL = /[^\s@]+@[^\s@]+/;
const URL_LIKE = /[a-z][a-z0-9+.-]*:\/\//i;
// a dot between two labels whose last one is alphabetic looks like a host name (example.com, api.acme.io)
const DOMAIN = /[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z]{2,}($|[^a-z0-9])/i;
// "eyJ" is base64 for '{"': the start of every JWT segment, in base64url or plain base64
const JWT = /eyJ[A-Za-z0-9_/+=-]{2,}/;
const LONG_DIGITS = /\d{7,}/;
const TOKEN_CHARS = /[A-Za-z0-9+/=_.-]{16,}/g;

/** A run of 16+ token characters (dots included: base64 segments, dotted keys) mixing letters and at least two digits reads as a key, token or hash. */
function hasSecretLikeToken(value: string): boolean {
  for (const run of value.match(TOKEN_CHARS) ?? []) {
    if (/[0-9].*[0-9]/.test(run) && /[A-Za-z]/.test(run)) return true;
  }
  return false;
}

// Each test first looks for a character its pattern cannot match without (an "@" for an email, "://"
// for a URL...): the same answers, and most values, which contain none of them, skip the regexes.
// The collector screens every event it receives, so this runs tens of thousands of times a second.
export const DETECTORS: readonly Detector[] = [
  { name: "email", test: (v) => v.includes("@") && EMAIL.test(v) },
  { name: "jwt", test: (v) => v.includes("eyJ") && JWT.test(v) },
  { name: "bearer", test: (v) => /bearer\s/i.test(v) },
  { name: "url", test: (v) => v.includes("://") && URL_LIKE.test(v) },
  { name: "ip-address", test: (v) => (v.includes(".") && IPV4.test(v)) || (v.includes(":") && IPV6.test(v)) },
  { name: "domain", test: (v) => v.includes(".") && DOMAIN.test(v) },
  { name: "long-number", test: (v) => LONG_DIGITS.test(v) },
  { name: "secret-like", test: (v) => v.length >= 16 && hasSecretLikeToken(v) },
];

/** The name of the first detector that fires, or undefined when the value looks harmless. */
export function detectPersonalData(value: string): string | undefined {
  for (const detector of DETECTORS) if (detector.test(value)) return detector.name;
  return undefined;
}
