export { type Clock, systemClock, ManualClock } from "./time/clock.ts";
