/** The patterns that closed string fields must match whole. Each is as narrow as its data allows. */

/** 1.7.25, 20.20.2, 1.0.0-beta.3: a version number, never free text. */
export const SEMVER = /^\d{1,5}(\.\d{1,5}){0,2}([-+][0-9A-Za-z.-]{1,32})?$/;

/** A lower-case UUID; the installation id and event ids. */
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * A route template: lower-case literal segments or `:param` placeholders, or `*`
 * for every route the app does not define. Mixed case, digits-only segments and
 * query strings cannot match, so a concrete id or a search cannot travel in a route.
 * No literal segment holds 20 letters and digits unbroken: that is an id or a
 * token (hex, base32), not a word; Better Auth's longest route word
 * ("authentication") has 14. Placeholders may hold `_` (`:client_id`).
 */
export const ROUTE = /^(\*|\/|(\/(:[a-zA-Z][a-zA-Z0-9_]{0,31}|(?![^/]*[a-z0-9]{20})\.?[a-z][a-z0-9._-]{0,47}))+)$/;

/**
 * An error code in Better Auth's style: INVALID_EMAIL_OR_PASSWORD. Words of at
 * most 16 characters, so a long token cannot pass as one word; the detectors
 * screen what is left.
 */
export const ERROR_CODE = /^[A-Z][A-Z0-9]{0,15}(_[A-Z0-9]{1,16}){0,11}$/;

/** An error class name: TypeError, APIError, SqliteError. */
export const ERROR_TYPE = /^[A-Z][A-Za-z0-9]{0,47}$/;

/** A short identifier such as a platform (linux) or an architecture (x64). */
export const SHORT_ID = /^[a-z0-9][a-z0-9_-]{0,15}$/;

/** additionalData keys: region, environment, app_tier (no dots: a dotted key reads as a host name). */
export const DATA_KEY = /^[A-Za-z][A-Za-z0-9_-]{0,31}$/;

/** additionalData values: short plain words; the detectors screen what this lets through. */
export const DATA_VALUE = /^[A-Za-z0-9 _.:/+-]{0,64}$/;
