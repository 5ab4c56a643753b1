/* Fully connected: out[o] = requantize(bias'[o] + sum_i x[i] * w[o][i]), where the generator has
 * folded the input zero point into bias' = bias - inZp * sum_i w[o][i], so the inner loop is a plain
 * int8 dot product (the same value as sum (x - inZp) * w in 32-bit arithmetic). */
#include "fed_internal.h"

/* Two output rows at once: each input value is loaded once for two multiply-accumulates. */
static void dot2_s8(const int8_t *x, const int8_t *w0, const int8_t *w1, int32_t n, int32_t *r0, int32_t *r1)
{
    int32_t a0 = 0, a1 = 0, b0 = 0, b1 = 0;
    int32_t i = 0;
    for (; i + 2 <= n; i += 2) {
        const int32_t x0 = x[i], x1 = x[i + 1];
        a0 += x0 * w0[i];
        a1 += x1 * w0[i + 1];
        b0 += x0 * w1[i];
        b1 += x1 * w1[i + 1];
    }
    if (i < n) {
        a0 += x[i] * w0[i];
        b0 += x[i] * w1[i];
    }
    *r0 = a0 + a1;
    *r1 = b0 + b1;
}

static int32_t dot_s8(const int8_t *x, const int8_t *w, int32_t n)
{
    int32_t a0 = 0, a1 = 0;
    int32_t i = 0;
    for (; i + 2 <= n; i += 2) {
        a0 += x[i] * w[i];
        a1 += x[i + 1] * w[i + 1];
    }
    if (i < n) a0 += x[i] * w[i];
    return a0 + a1;
}

void fed_fully_connected_s8(const fed_layer *l, const int8_t *in, int8_t *out)
{
    const int32_t n_in = l->in_c;
    const int8_t *w = l->weights;
    int32_t o = 0;
    for (; o + 2 <= l->out_c; o += 2, w += 2 * n_in) {
        int32_t d0, d1;
        dot2_s8(in, w, w + n_in, n_in, &d0, &d1);
        out[o] = fed_output_s8(l->bias[o] + d0, l, o);
        out[o + 1] = fed_output_s8(l->bias[o + 1] + d1, l, o + 1);
    }
    if (o < l->out_c) out[o] = fed_output_s8(l->bias[o] + dot_s8(in, w, n_in), l, o);
}
