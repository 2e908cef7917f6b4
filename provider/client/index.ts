export * from "./client";
export * from "./errors";
export * from "./retry";
export * from "./signing";
export { Throttle } from "./throttle";
export { systemClock, type Clock } from "./clock";
