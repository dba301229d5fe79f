// A mergeable latency histogram: logarithmic buckets 1 % wide from 1 µs to
// ~100 s, so percentiles are exact to about 1 % and workers can ship their
// histograms to the orchestrator as plain arrays.
const GROWTH = 1.01;
const LOG_G = Math.log(GROWTH);
const BUCKETS = Math.ceil(Math.log(1e8) / LOG_G) + 2;

export class Histogram {
  constructor() {
    this.counts = new Float64Array(BUCKETS);
    this.n = 0;
    this.max = 0;
    this.sum = 0;
  }
  /** Records one sample in microseconds. */
  add(us) {
    const b = us <= 1 ? 0 : Math.min(BUCKETS - 1, 1 + Math.floor(Math.log(us) / LOG_G));
    this.counts[b]++;
    this.n++;
    this.sum += us;
    if (us > this.max) this.max = us;
  }
  reset() {
    this.counts.fill(0);
    this.n = 0;
    this.max = 0;
    this.sum = 0;
  }
  /** Plain-object form for process.send(). Only non-empty buckets. */
  toJSON() {
    const b = [];
    for (let i = 0; i < BUCKETS; i++) if (this.counts[i]) b.push([i, this.counts[i]]);
    return { b, n: this.n, max: this.max, sum: this.sum };
  }
  static from(obj) {
    const h = new Histogram();
    h.merge(obj);
    return h;
  }
  merge(obj) {
    for (const [i, c] of obj.b) this.counts[i] += c;
    this.n += obj.n;
    this.sum += obj.sum;
    if (obj.max > this.max) this.max = obj.max;
  }
  /** The q-quantile (0..1) in microseconds (upper edge of its bucket). */
  quantile(q) {
    if (!this.n) return NaN;
    const target = Math.max(1, Math.ceil(q * this.n));
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i];
      if (seen >= target) return Math.min(this.max, i === 0 ? 1 : GROWTH ** i);
    }
    return this.max;
  }
}
