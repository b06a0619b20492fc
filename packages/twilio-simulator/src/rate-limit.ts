// Token bucket for the simulator's own "too many requests" (20429): burst up to one second's worth.

export class RateLimiter {
  #tokens = 0;
  #last = 0;
  #rate = 0;

  /** True when a request may pass at `perSecond` (0 = unlimited). */
  take(perSecond: number, nowMs: number = performance.now()): boolean {
    if (perSecond <= 0) return true;
    if (perSecond !== this.#rate) {
      this.#rate = perSecond;
      this.#tokens = perSecond;
      this.#last = nowMs;
    }
    this.#tokens = Math.min(perSecond, this.#tokens + ((nowMs - this.#last) * perSecond) / 1000);
    this.#last = nowMs;
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}
