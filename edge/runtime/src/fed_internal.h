/* Helpers shared by the kernels; not part of the public API. */
#ifndef FED_INTERNAL_H
#define FED_INTERNAL_H

#include "fed_runtime.h"

#if defined(__GNUC__)
#define FED_INLINE static inline __attribute__((always_inline))
#else
#define FED_INLINE static inline
#endif

/* Arithmetic right shift by exponent in [0, 31], rounding to nearest, ties away from zero
 * (CMSIS-NN's arm_nn_divide_by_power_of_two). */
FED_INLINE int32_t fed_divide_by_pow2(int32_t dividend, int32_t exponent)
{
    const int32_t mask = (int32_t)(((uint32_t)1 << exponent) - 1u);
    const int32_t remainder = dividend & mask;
    const int32_t result = dividend >> exponent;
    const int32_t threshold = (mask >> 1) + (result < 0 ? 1 : 0);
    return remainder > threshold ? result + 1 : result;
}

FED_INLINE int32_t fed_requantize_inline(int32_t value, int32_t multiplier, int32_t shift)
{
    const int32_t left = shift > 0 ? shift : 0;
    const int32_t right = shift > 0 ? 0 : -shift;
    /* value * 2^left wraps in 32 bits exactly as the C# contract's unchecked int multiply. */
    const int32_t shifted = (int32_t)((uint32_t)value << left);
    const int64_t product = (int64_t)shifted * multiplier + ((int64_t)1 << 30);
    return fed_divide_by_pow2((int32_t)(product >> 31), right);
}

FED_INLINE int8_t fed_clamp_to_s8(int32_t value, int32_t act_min, int32_t act_max)
{
    if (value < act_min) value = act_min;
    if (value > act_max) value = act_max;
    return (int8_t)value;
}

/* Requantizes one accumulator and clamps it: the last step of every conv/FC output. */
FED_INLINE int8_t fed_output_s8(int32_t acc, const fed_layer *l, int32_t channel)
{
    const int32_t scaled = fed_requantize_inline(acc, l->multipliers[channel], l->shifts[channel]);
    return fed_clamp_to_s8(scaled + l->output_zp, l->act_min, l->act_max);
}

#endif /* FED_INTERNAL_H */
