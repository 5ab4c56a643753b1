/*
 * The contract's requantization (Federated.Edge.Quantization.Requantization), CMSIS-NN's
 * arm_nn_requantize without CMSIS_NN_USE_SINGLE_ROUNDING:
 *   1. left shift by max(shift, 0)            (wraps in 32 bits, as the C# reference does)
 *   2. doubling high multiply (a * m + 2^30) >> 31 in 64 bits
 *   3. rounding right shift by max(-shift, 0), ties away from zero
 * Assumes two's complement and arithmetic right shifts of negative values, which gcc, clang
 * and arm-none-eabi-gcc all guarantee (C99 leaves them implementation-defined).
 */
#include "fed_internal.h"

int32_t fed_requantize(int32_t value, int32_t multiplier, int32_t shift)
{
    return fed_requantize_inline(value, multiplier, shift);
}
