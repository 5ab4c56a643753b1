/* Convolutions over CHW tensors with stride and zero-point padding (a padded tap reads the input
 * zero point, i.e. real 0). The bias has the input zero point folded in (see fed_fully_connected.c),
 * so interior windows are plain int8 dot products and a padded tap adds inZp * w to cancel the fold. */
#include "fed_internal.h"

/* Sum over one kh x kw window of one input channel plane; (iy0, ix0) may lie outside the plane. */
static int32_t window_sum(const int8_t *plane, int32_t h, int32_t w, int32_t iy0, int32_t ix0,
                          const int8_t *k, int32_t kh, int32_t kw, int32_t in_zp)
{
    int32_t acc = 0;
    if (iy0 >= 0 && ix0 >= 0 && iy0 + kh <= h && ix0 + kw <= w) {
        const int8_t *row = plane + iy0 * w + ix0;
        for (int32_t ky = 0; ky < kh; ky++, row += w, k += kw)
            for (int32_t kx = 0; kx < kw; kx++) acc += row[kx] * k[kx];
        return acc;
    }
    for (int32_t ky = 0; ky < kh; ky++) {
        const int32_t iy = iy0 + ky;
        for (int32_t kx = 0; kx < kw; kx++) {
            const int32_t ix = ix0 + kx;
            const int32_t x = (iy >= 0 && iy < h && ix >= 0 && ix < w) ? plane[iy * w + ix] : in_zp;
            acc += x * k[ky * kw + kx];
        }
    }
    return acc;
}

void fed_conv2d_s8(const fed_layer *l, const int8_t *in, int8_t *out)
{
    const int32_t plane = l->in_h * l->in_w;
    const int32_t kernel = l->kernel_h * l->kernel_w;
    for (int32_t oc = 0; oc < l->out_c; oc++) {
        const int8_t *w_oc = l->weights + oc * l->in_c * kernel;
        for (int32_t oy = 0; oy < l->out_h; oy++) {
            const int32_t iy0 = oy * l->stride_h - l->pad_h;
            for (int32_t ox = 0; ox < l->out_w; ox++) {
                const int32_t ix0 = ox * l->stride_w - l->pad_w;
                int32_t acc = l->bias[oc];
                const int8_t *p = in;
                const int8_t *k = w_oc;
                for (int32_t ic = 0; ic < l->in_c; ic++, p += plane, k += kernel)
                    acc += window_sum(p, l->in_h, l->in_w, iy0, ix0, k, l->kernel_h, l->kernel_w, l->input_zp);
                *out++ = fed_output_s8(acc, l, oc);
            }
        }
    }
}

/* Depthwise: output channel oc reads input channel oc / depth_multiplier (PyTorch groups = in_c);
 * weights [out_c][kh][kw]. */
void fed_depthwise_conv2d_s8(const fed_layer *l, const int8_t *in, int8_t *out)
{
    const int32_t plane = l->in_h * l->in_w;
    const int32_t kernel = l->kernel_h * l->kernel_w;
    for (int32_t oc = 0; oc < l->out_c; oc++) {
        const int8_t *p = in + (oc / l->depth_multiplier) * plane;
        const int8_t *k = l->weights + oc * kernel;
        for (int32_t oy = 0; oy < l->out_h; oy++) {
            const int32_t iy0 = oy * l->stride_h - l->pad_h;
            for (int32_t ox = 0; ox < l->out_w; ox++) {
                const int32_t ix0 = ox * l->stride_w - l->pad_w;
                const int32_t acc = l->bias[oc]
                    + window_sum(p, l->in_h, l->in_w, iy0, ix0, k, l->kernel_h, l->kernel_w, l->input_zp);
                *out++ = fed_output_s8(acc, l, oc);
            }
        }
    }
}
