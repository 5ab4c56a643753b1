/*
 * Integer softmax, int8 -> int8 with output scale 1/256 and zero point -128 (TFLite's fixed output
 * quantization for int8 softmax). Method (a look-up table, as TFLite's int16/LUT softmax kernels do,
 * computed once by the code generator so inference needs no floating point):
 *   d_i   = max_j x_j - x_i                       in [0, 255]
 *   e_i   = exp_lut[d_i] = round(2^16 * exp(-d_i * inputScale))  (Q16; exp_lut[0] = 65536)
 *   out_i = clamp(floor((256 * e_i + S / 2) / S) - 128, -128, 127),  S = sum_j e_j
 * All in uint32 (256 * 2^16 + S/2 < 2^32 for up to 32767 inputs). The result is within 1 LSB of
 * the float softmax of the dequantized input, quantized with round-to-nearest; the tests hold it to that.
 */
#include "fed_internal.h"

void fed_softmax_s8(const int8_t *in, int8_t *out, int32_t n, const uint32_t *exp_lut)
{
    int32_t max = -128;
    for (int32_t i = 0; i < n; i++)
        if (in[i] > max) max = in[i];
    uint32_t sum = 0;
    for (int32_t i = 0; i < n; i++) sum += exp_lut[max - in[i]];
    for (int32_t i = 0; i < n; i++) {
        const uint32_t q = ((exp_lut[max - in[i]] << 8) + sum / 2) / sum;
        out[i] = fed_clamp_to_s8((int32_t)q - 128, -128, 127);
    }
}
