/*
 * Benchmark for callgrind: runs the batch through the runtime (argument "runtime") or the
 * reference loops ("reference"), checks both give the same outputs, and prints the outputs'
 * checksum. Count instructions of one side with
 *   valgrind --tool=callgrind --toggle-collect=fed_model_run  ./fed_bench runtime
 *   valgrind --tool=callgrind --toggle-collect=fed_reference_run ./fed_bench reference
 */
#include <stdio.h>
#include <string.h>

#include "fed_reference.h"

extern const fed_model *const fed_batch_model;
extern uint8_t fed_batch_arena[];
extern int8_t fed_batch_output[];
extern const int32_t fed_batch_count;
extern const int8_t fed_batch_inputs[];

int main(int argc, char **argv)
{
    if (argc != 2 || (strcmp(argv[1], "runtime") != 0 && strcmp(argv[1], "reference") != 0)) {
        fprintf(stderr, "usage: %s runtime|reference\n", argv[0]);
        return 2;
    }
    const int reference = strcmp(argv[1], "reference") == 0;
    const fed_model *m = fed_batch_model;
    unsigned long checksum = 0;
    for (int32_t i = 0; i < fed_batch_count; i++) {
        const int8_t *input = fed_batch_inputs + (long)i * m->input_size;
        const int status = reference ? fed_reference_run(m, input, fed_batch_output, fed_batch_arena)
                                     : fed_model_run(m, input, fed_batch_output, fed_batch_arena);
        if (status != FED_OK) {
            printf("error %ld %d\n", (long)i, status);
            return 3;
        }
        for (int32_t j = 0; j < m->output_size; j++) checksum = checksum * 31u + (uint8_t)fed_batch_output[j];
    }
    printf("inferences %ld checksum %lu\n", (long)fed_batch_count, checksum);
    return 0;
}
