/* Fully connected: out[o] = requantize(bias'[o] + sum_i x[i] * w[o][i]), where the generator has
 * folded the input zero point into bias' = bias - inZp * sum_i w[o][i], so the inner loop is a plain
 * int8 dot product (the same value as sum (x - inZp) * w in 32-bit arithmetic). */
#include "fed_internal.h"

#if defined(__ARM_FEATURE_DSP) && __ARM_FEATURE_DSP
/* Cortex-M4/M33 (DSP extension): SXTB16 widens bytes 0 and 2 (or, rotated, 1 and 3) of a word to
 * two int16 lanes and SMLAD adds both lane products to the accumulator, so four multiply-
 * accumulates take two SMLADs. Products of int8 are exact in int16 x int16, and SMLAD's sum wraps
 * like int32 addition, so the result is the same value as the scalar loop's. */
#include <arm_acle.h>
#include <string.h>

FED_INLINE uint32_t load4(const int8_t *p)
{
    uint32_t v;
    memcpy(&v, p, sizeof v); /* an unaligned LDR: the arena and weights have any alignment */
    return v;
}

FED_INLINE uint32_t rotate8(uint32_t v) { return (v >> 8) | (v << 24); }

static void dot2_s8(const int8_t *x, const int8_t *w0, const int8_t *w1, int32_t n, int32_t *r0, int32_t *r1)
{
    int32_t a = 0, b = 0;
    int32_t i = 0;
    for (; i + 4 <= n; i += 4) {
        const uint32_t xv = load4(x + i), v0 = load4(w0 + i), v1 = load4(w1 + i);
        const int16x2_t xe = __sxtb16((int8x4_t)xv), xo = __sxtb16((int8x4_t)rotate8(xv));
        a = __smlad(xe, __sxtb16((int8x4_t)v0), a);
        a = __smlad(xo, __sxtb16((int8x4_t)rotate8(v0)), a);
        b = __smlad(xe, __sxtb16((int8x4_t)v1), b);
        b = __smlad(xo, __sxtb16((int8x4_t)rotate8(v1)), b);
    }
    for (; i < n; i++) {
        a += x[i] * w0[i];
        b += x[i] * w1[i];
    }
    *r0 = a;
    *r1 = b;
}

static int32_t dot_s8(const int8_t *x, const int8_t *w, int32_t n)
{
    int32_t a = 0;
    int32_t i = 0;
    for (; i + 4 <= n; i += 4) {
        const uint32_t xv = load4(x + i), v = load4(w + i);
        a = __smlad(__sxtb16((int8x4_t)xv), __sxtb16((int8x4_t)v), a);
        a = __smlad(__sxtb16((int8x4_t)rotate8(xv)), __sxtb16((int8x4_t)rotate8(v)), a);
    }
    for (; i < n; i++) a += x[i] * w[i];
    return a;
}
#else
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

#endif

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
