/* Pooling over CHW tensors; input and output share quantization parameters (TFLite), so no
 * requantization: max is a max, average is a rounded integer mean. Padded taps are left out of
 * both (TFLite's pooling semantics). The result is clamped to [act_min, act_max]. */
#include "fed_internal.h"

typedef struct window {
    int32_t y0, y1, x0, x1; /* valid rows [y0, y1) and columns [x0, x1) */
} window;

static window clip_window(const fed_layer *l, int32_t oy, int32_t ox)
{
    window r;
    r.y0 = oy * l->stride_h - l->pad_h;
    r.x0 = ox * l->stride_w - l->pad_w;
    r.y1 = r.y0 + l->kernel_h;
    r.x1 = r.x0 + l->kernel_w;
    if (r.y0 < 0) r.y0 = 0;
    if (r.x0 < 0) r.x0 = 0;
    if (r.y1 > l->in_h) r.y1 = l->in_h;
    if (r.x1 > l->in_w) r.x1 = l->in_w;
    return r;
}

void fed_max_pool_s8(const fed_layer *l, const int8_t *in, int8_t *out)
{
    const int32_t plane = l->in_h * l->in_w;
    for (int32_t c = 0; c < l->in_c; c++, in += plane) {
        for (int32_t oy = 0; oy < l->out_h; oy++) {
            for (int32_t ox = 0; ox < l->out_w; ox++) {
                const window r = clip_window(l, oy, ox);
                int32_t best = -128;
                for (int32_t y = r.y0; y < r.y1; y++)
                    for (int32_t x = r.x0; x < r.x1; x++)
                        if (in[y * l->in_w + x] > best) best = in[y * l->in_w + x];
                *out++ = fed_clamp_to_s8(best, l->act_min, l->act_max);
            }
        }
    }
}

void fed_avg_pool_s8(const fed_layer *l, const int8_t *in, int8_t *out)
{
    const int32_t plane = l->in_h * l->in_w;
    for (int32_t c = 0; c < l->in_c; c++, in += plane) {
        for (int32_t oy = 0; oy < l->out_h; oy++) {
            for (int32_t ox = 0; ox < l->out_w; ox++) {
                const window r = clip_window(l, oy, ox);
                int32_t sum = 0;
                for (int32_t y = r.y0; y < r.y1; y++)
                    for (int32_t x = r.x0; x < r.x1; x++) sum += in[y * l->in_w + x];
                const int32_t count = (r.y1 - r.y0) * (r.x1 - r.x0);
                /* Round half away from zero, as TFLite's reference int8 average pool does. */
                const int32_t mean = count == 0 ? 0 : (sum > 0 ? sum + count / 2 : sum - count / 2) / count;
                *out++ = fed_clamp_to_s8(mean, l->act_min, l->act_max);
            }
        }
    }
}
