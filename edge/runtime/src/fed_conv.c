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

/* The shape of one convolution's inner loops. */
typedef struct conv_geometry {
    int32_t channels;   /* input channels one output reads (1 for depthwise) */
    int32_t plane;      /* in_h * in_w */
    int32_t in_h, in_w, kernel_h, kernel_w, stride_w, in_zp;
} conv_geometry;

/* Four neighbouring outputs of one row at once, all windows inside the input: each weight is
 * loaded once for four multiply-accumulates (the accumulators stay in registers). */
static void block4(const conv_geometry *g, const int8_t *in, const int8_t *k, int32_t iy0, int32_t ix0, int32_t acc[4])
{
    int32_t a0 = acc[0], a1 = acc[1], a2 = acc[2], a3 = acc[3];
    const int32_t s = g->stride_w;
    for (int32_t ic = 0; ic < g->channels; ic++) {
        const int8_t *row = in + ic * g->plane + iy0 * g->in_w + ix0;
        for (int32_t ky = 0; ky < g->kernel_h; ky++, row += g->in_w, k += g->kernel_w) {
            for (int32_t kx = 0; kx < g->kernel_w; kx++) {
                const int32_t w = k[kx];
                const int8_t *x = row + kx;
                a0 += x[0] * w;
                a1 += x[s] * w;
                a2 += x[2 * s] * w;
                a3 += x[3 * s] * w;
            }
        }
    }
    acc[0] = a0;
    acc[1] = a1;
    acc[2] = a2;
    acc[3] = a3;
}

/* One output channel's plane: blocks of four where the windows lie inside, one at a time elsewhere. */
static void conv_plane(const fed_layer *l, const conv_geometry *g, const int8_t *in, const int8_t *k, int32_t oc, int8_t *out)
{
    const int32_t kernel = g->kernel_h * g->kernel_w;
    for (int32_t oy = 0; oy < l->out_h; oy++) {
        const int32_t iy0 = oy * l->stride_h - l->pad_h;
        const int rows_inside = iy0 >= 0 && iy0 + g->kernel_h <= g->in_h;
        int32_t ox = 0;
        while (ox < l->out_w) {
            const int32_t ix0 = ox * l->stride_w - l->pad_w;
            if (rows_inside && ox + 4 <= l->out_w && ix0 >= 0 && ix0 + 3 * l->stride_w + g->kernel_w <= g->in_w) {
                int32_t acc[4] = { l->bias[oc], l->bias[oc], l->bias[oc], l->bias[oc] };
                block4(g, in, k, iy0, ix0, acc);
                for (int32_t j = 0; j < 4; j++) *out++ = fed_output_s8(acc[j], l, oc);
                ox += 4;
                continue;
            }
            int32_t acc = l->bias[oc];
            for (int32_t ic = 0; ic < g->channels; ic++)
                acc += window_sum(in + ic * g->plane, g->in_h, g->in_w, iy0, ix0, k + ic * kernel, g->kernel_h, g->kernel_w, g->in_zp);
            *out++ = fed_output_s8(acc, l, oc);
            ox++;
        }
    }
}

void fed_conv2d_s8(const fed_layer *l, const int8_t *in, int8_t *out)
{
    const conv_geometry g = { l->in_c, l->in_h * l->in_w, l->in_h, l->in_w, l->kernel_h, l->kernel_w, l->stride_w, l->input_zp };
    const int32_t per_output = l->in_c * l->kernel_h * l->kernel_w;
    for (int32_t oc = 0; oc < l->out_c; oc++, out += l->out_h * l->out_w)
        conv_plane(l, &g, in, l->weights + oc * per_output, oc, out);
}

/* Depthwise: output channel oc reads input channel oc / depth_multiplier (PyTorch groups = in_c);
 * weights [out_c][kh][kw]. */
void fed_depthwise_conv2d_s8(const fed_layer *l, const int8_t *in, int8_t *out)
{
    const int32_t plane = l->in_h * l->in_w;
    const conv_geometry g = { 1, plane, l->in_h, l->in_w, l->kernel_h, l->kernel_w, l->stride_w, l->input_zp };
    const int32_t kernel = l->kernel_h * l->kernel_w;
    for (int32_t oc = 0; oc < l->out_c; oc++, out += l->out_h * l->out_w)
        conv_plane(l, &g, in + (oc / l->depth_multiplier) * plane, l->weights + oc * kernel, oc, out);
}
