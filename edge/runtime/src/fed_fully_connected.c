/* Fully connected: out[o] = requantize(bias'[o] + sum_i x[i] * w[o][i]), where the generator has
 * folded the input zero point into bias' = bias - inZp * sum_i w[o][i], so the inner loop is a plain
 * int8 dot product (the same value as sum (x - inZp) * w in 32-bit arithmetic). */
#include "fed_internal.h"

static int32_t dot_s8(const int8_t *x, const int8_t *w, int32_t n)
{
    int32_t a0 = 0, a1 = 0, a2 = 0, a3 = 0;
    int32_t i = 0;
    for (; i + 4 <= n; i += 4) {
        a0 += x[i] * w[i];
        a1 += x[i + 1] * w[i + 1];
        a2 += x[i + 2] * w[i + 2];
        a3 += x[i + 3] * w[i + 3];
    }
    for (; i < n; i++) a0 += x[i] * w[i];
    return a0 + a1 + a2 + a3;
}

void fed_fully_connected_s8(const fed_layer *l, const int8_t *in, int8_t *out)
{
    const int32_t n_in = l->in_c;
    const int8_t *w = l->weights;
    for (int32_t o = 0; o < l->out_c; o++, w += n_in)
        out[o] = fed_output_s8(l->bias[o] + dot_s8(in, w, n_in), l, o);
}
