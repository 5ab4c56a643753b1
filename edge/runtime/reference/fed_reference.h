/* Straightforward reference loops over the same layer table: the contract's formula written out
 * directly (per-tap zero-point subtraction and bounds checks, index arithmetic per element).
 * A benchmark baseline for the runtime's kernels; needs data generated with IncludeReferenceBias. */
#ifndef FED_REFERENCE_H
#define FED_REFERENCE_H

#include "fed_runtime.h"

int fed_reference_run(const fed_model *model, const int8_t *input, int8_t *output, uint8_t *arena);

#endif
