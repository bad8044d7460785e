/**
 * Closed vocabularies. A value outside these lists is dropped, so a custom
 * plugin's or provider's name (which can be a company's name) never travels;
 * the integration counts such things instead of naming them.
 */

export const EVENT_TYPES = ["init", "api_request", "error", "auth_success", "auth_failure"] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export const RUNTIMES = ["node", "bun", "deno", "workerd", "edge-light", "fastly", "netlify", "other"] as const;

export const ENVIRONMENTS = ["production", "development", "ci", "test"] as const;

export const FRAMEWORKS = [
  "next",
  "nuxt",
  "sveltekit",
  "astro",
  "remix",
  "react-router",
  "solid-start",
  "tanstack-start",
  "hono",
  "express",
  "fastify",
  "elysia",
  "nestjs",
  "nitro",
  "expo",
  "convex",
  "none",
] as const;

/** Hosting providers that std-env recognises and that say nothing about the app itself. */
export const PROVIDERS = [
  "vercel",
  "netlify",
  "cloudflare_pages",
  "cloudflare_workers",
  "aws_amplify",
  "aws_lambda",
  "azure_static",
  "render",
  "railway",
  "fly",
  "heroku",
  "deno-deploy",
  "stackblitz",
  "codesandbox",
  "github_actions",
  "gitlab",
  "other",
] as const;

export const DATABASE_KINDS = ["sqlite", "postgres", "mysql", "mssql", "mongodb", "memory", "other"] as const;

export const DATABASE_ADAPTERS = ["kysely", "prisma", "drizzle", "mongodb", "memory", "custom"] as const;

/** Plugin ids of the plugins that Better Auth and its official packages ship. */
export const KNOWN_PLUGINS = [
  "admin",
  "anonymous",
  "api-key",
  "bearer",
  "captcha",
  "custom-session",
  "device-authorization",
  "email-otp",
  "expo",
  "generic-oauth",
  "have-i-been-pwned",
  "jwt",
  "last-login-method",
  "magic-link",
  "mcp",
  "multi-session",
  "oauth-popup",
  "oauth-provider",
  "oauth-proxy",
  "oidc-provider",
  "one-tap",
  "one-time-token",
  "open-api",
  "organization",
  "passkey",
  "phone-number",
  "polar",
  "scim",
  "siwe",
  "sso",
  "stripe",
  "two-factor",
  "username",
  "additional-fields",
] as const;

/** Better Auth 1.7's built-in social providers. */
export const SOCIAL_PROVIDERS = [
  "apple",
  "atlassian",
  "cloudflare",
  "cognito",
  "discord",
  "dropbox",
  "facebook",
  "figma",
  "github",
  "gitlab",
  "google",
  "huggingface",
  "kakao",
  "kick",
  "line",
  "linear",
  "linkedin",
  "microsoft",
  "naver",
  "notion",
  "paybin",
  "paypal",
  "polar",
  "railway",
  "reddit",
  "roblox",
  "salesforce",
  "slack",
  "spotify",
  "tiktok",
  "twitch",
  "twitter",
  "vercel",
  "vk",
  "zoom",
  /** any provider configured through generic OAuth or SSO: its name is the app's own and is not sent */
  "custom",
] as const;

/** How a user authenticated, as the integration recognises it from the route. */
export const AUTH_METHODS = [
  "email",
  "social",
  "magic-link",
  "email-otp",
  "passkey",
  "anonymous",
  "username",
  "two-factor",
  "phone-number",
  "one-tap",
  "siwe",
  "sso",
  "one-time-token",
  "other",
] as const;

export const HTTP_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD"] as const;

export const REQUEST_SOURCES = ["handler", "api"] as const;
