/* Element-wise kernels: clamp (ReLU, ReLU6) and add with requantization. */
#include "fed_internal.h"

void fed_clamp_s8(const int8_t *in, int8_t *out, int32_t n, int32_t act_min, int32_t act_max)
{
    for (int32_t i = 0; i < n; i++) out[i] = fed_clamp_to_s8(in[i], act_min, act_max);
}

/* TFLite's int8 add (and CMSIS-NN's arm_elementwise_add_s8): each input, minus its zero point,
 * is shifted left by left_shift (20) for headroom and rescaled to a common scale 2 * max(s1, s2);
 * the sum is rescaled to the output scale. Every rescale is the contract's requantization. */
void fed_add_s8(const fed_layer *l, const int8_t *in1, const int8_t *in2, int8_t *out, int32_t n)
{
    for (int32_t i = 0; i < n; i++) {
        const int32_t a = (int32_t)((uint32_t)(in1[i] - l->input_zp) << l->left_shift);
        const int32_t b = (int32_t)((uint32_t)(in2[i] - l->input2_zp) << l->left_shift);
        const int32_t sum = fed_requantize_inline(a, l->input_mult, l->input_shift)
            + fed_requantize_inline(b, l->input2_mult, l->input2_shift);
        const int32_t scaled = fed_requantize_inline(sum, l->output_mult, l->output_shift);
        out[i] = fed_clamp_to_s8(scaled + l->output_zp, l->act_min, l->act_max);
    }
}
