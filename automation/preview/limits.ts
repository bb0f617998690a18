/** The offline preview's time limits (--timeout, --policy-timeout), in seconds. */

/** Generous: prod's program takes 3-8 s here. */
export const DEFAULT_TIMEOUT_SECONDS = 120;
/** Per policy pack call; prod's slowest (AnalyzeStack) takes under one. */
export const DEFAULT_POLICY_TIMEOUT_SECONDS = 60;
