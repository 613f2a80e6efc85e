/** The Adam optimiser over flat parameter arrays (Kingma & Ba 2015; β1 0.9, β2 0.999, ε 1e-8). */

/** Adam state for a set of parameter arrays updated in place. */
export class Adam {
  private readonly m: Float64Array[];
  private readonly v: Float64Array[];
  private t = 0;
  constructor(
    private readonly params: Float64Array[],
    private readonly lr: number,
  ) {
    this.m = params.map((p) => new Float64Array(p.length));
    this.v = params.map((p) => new Float64Array(p.length));
  }
  /** Applies one update with gradients shaped like the parameters. */
  step(grads: Float64Array[]): void {
    this.t += 1;
    const b1 = 0.9,
      b2 = 0.999,
      eps = 1e-8;
    const c1 = 1 - b1 ** this.t,
      c2 = 1 - b2 ** this.t;
    this.params.forEach((p, k) => {
      const g = grads[k] as Float64Array,
        m = this.m[k] as Float64Array,
        v = this.v[k] as Float64Array;
      for (let i = 0; i < p.length; i++) {
        const gi = g[i] ?? 0;
        m[i] = b1 * (m[i] ?? 0) + (1 - b1) * gi;
        v[i] = b2 * (v[i] ?? 0) + (1 - b2) * gi * gi;
        p[i] = (p[i] ?? 0) - (this.lr * ((m[i] ?? 0) / c1)) / (Math.sqrt((v[i] ?? 0) / c2) + eps);
      }
    });
  }
}
