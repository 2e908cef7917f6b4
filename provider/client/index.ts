export * from "./client";
export * from "./errors";
export * from "./retry";
export * from "./signing";
export { ADAPTIVE_DEFAULTS, AdaptiveRate, Throttle, TokenBucket, type AdaptiveOptions, type Now, type ThrottleMode } from "./throttle";
export { systemClock, type Clock } from "./clock";
