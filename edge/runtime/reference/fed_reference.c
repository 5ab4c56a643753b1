#include <string.h>

#include "fed_reference.h"

static int8_t clamp8(int32_t v, int32_t lo, int32_t hi)
{
    return (int8_t)(v < lo ? lo : v > hi ? hi : v);
}

static int8_t finish(const fed_layer *l, int32_t acc, int32_t c)
{
    return clamp8(fed_requantize(acc, l->multipliers[c], l->shifts[c]) + l->output_zp, l->act_min, l->act_max);
}

static void conv(const fed_layer *l, const int8_t *in, int8_t *out, int depthwise)
{
    for (int32_t oc = 0; oc < l->out_c; oc++)
        for (int32_t oy = 0; oy < l->out_h; oy++)
            for (int32_t ox = 0; ox < l->out_w; ox++) {
                int32_t acc = l->raw_bias[oc];
                const int32_t channels = depthwise ? 1 : l->in_c;
                for (int32_t ic = 0; ic < channels; ic++)
                    for (int32_t ky = 0; ky < l->kernel_h; ky++)
                        for (int32_t kx = 0; kx < l->kernel_w; kx++) {
                            const int32_t iy = oy * l->stride_h - l->pad_h + ky;
                            const int32_t ix = ox * l->stride_w - l->pad_w + kx;
                            if (iy < 0 || iy >= l->in_h || ix < 0 || ix >= l->in_w) continue;
                            const int32_t src = depthwise ? oc / l->depth_multiplier : ic;
                            const int32_t x = in[(src * l->in_h + iy) * l->in_w + ix];
                            const int32_t w = depthwise
                                ? l->weights[(oc * l->kernel_h + ky) * l->kernel_w + kx]
                                : l->weights[((oc * l->in_c + ic) * l->kernel_h + ky) * l->kernel_w + kx];
                            acc += (x - l->input_zp) * w;
                        }
                out[(oc * l->out_h + oy) * l->out_w + ox] = finish(l, acc, oc);
            }
}

static void fully_connected(const fed_layer *l, const int8_t *in, int8_t *out)
{
    for (int32_t o = 0; o < l->out_c; o++) {
        int32_t acc = l->raw_bias[o];
        for (int32_t i = 0; i < l->in_c; i++) acc += (in[i] - l->input_zp) * l->weights[o * l->in_c + i];
        out[o] = finish(l, acc, o);
    }
}

static void max_pool(const fed_layer *l, const int8_t *in, int8_t *out)
{
    for (int32_t c = 0; c < l->in_c; c++)
        for (int32_t oy = 0; oy < l->out_h; oy++)
            for (int32_t ox = 0; ox < l->out_w; ox++) {
                int32_t best = -128;
                for (int32_t ky = 0; ky < l->kernel_h; ky++)
                    for (int32_t kx = 0; kx < l->kernel_w; kx++) {
                        const int32_t iy = oy * l->stride_h - l->pad_h + ky;
                        const int32_t ix = ox * l->stride_w - l->pad_w + kx;
                        if (iy < 0 || iy >= l->in_h || ix < 0 || ix >= l->in_w) continue;
                        const int32_t x = in[(c * l->in_h + iy) * l->in_w + ix];
                        if (x > best) best = x;
                    }
                out[(c * l->out_h + oy) * l->out_w + ox] = clamp8(best, l->act_min, l->act_max);
            }
}

int fed_reference_run(const fed_model *model, const int8_t *input, int8_t *output, uint8_t *arena)
{
    for (int32_t i = 0; i < model->layer_count; i++) {
        const fed_layer *l = &model->layers[i];
        const int8_t *in = l->input == FED_TENSOR_INPUT ? input : (const int8_t *)(arena + l->input);
        int8_t *out = l->output == FED_TENSOR_OUTPUT ? output : (int8_t *)(arena + l->output);
        const int32_t n = l->out_c * l->out_h * l->out_w;
        switch (l->op) {
        case FED_OP_FULLY_CONNECTED: fully_connected(l, in, out); break;
        case FED_OP_CONV2D: conv(l, in, out, 0); break;
        case FED_OP_DEPTHWISE_CONV2D: conv(l, in, out, 1); break;
        case FED_OP_MAX_POOL: max_pool(l, in, out); break;
        case FED_OP_CLAMP:
            for (int32_t j = 0; j < n; j++) out[j] = clamp8(in[j], l->act_min, l->act_max);
            break;
        case FED_OP_RESHAPE: memmove(out, in, (size_t)n); break;
        case FED_OP_AVG_POOL: fed_avg_pool_s8(l, in, out); break;
        case FED_OP_SOFTMAX: fed_softmax_s8(in, out, n, l->exp_lut); break;
        default: return FED_ERR_OP;
        }
    }
    return FED_OK;
}
