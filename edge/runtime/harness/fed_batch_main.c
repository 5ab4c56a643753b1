/*
 * Runs a model over a batch of int8 inputs compiled into the program and prints every output,
 * the same on the host and on a Cortex-M board (stdout goes through semihosting there):
 *   layer_bytes <sizeof(fed_layer)>
 *   out <index> <class> <output bytes in hex>
 *   done <count>
 * The batch file (generated next to the model data) defines the symbols declared here.
 */
#include <stdio.h>

#include "fed_runtime.h"

extern const fed_model *const fed_batch_model;
extern uint8_t fed_batch_arena[];
extern int8_t fed_batch_output[];
extern const int32_t fed_batch_count;
extern const int8_t fed_batch_inputs[];

int main(void)
{
    const fed_model *m = fed_batch_model;
    printf("layer_bytes %u\n", (unsigned)sizeof(fed_layer));
    for (int32_t i = 0; i < fed_batch_count; i++) {
        const int klass = fed_model_classify(m, fed_batch_inputs + (long)i * m->input_size, fed_batch_output, fed_batch_arena);
        if (klass < 0) {
            printf("error %ld %d\n", (long)i, klass);
            return 2;
        }
        printf("out %ld %d ", (long)i, klass);
        for (int32_t j = 0; j < m->output_size; j++) printf("%02x", (unsigned)(uint8_t)fed_batch_output[j]);
        printf("\n");
    }
    printf("done %ld\n", (long)fed_batch_count);
    return 0;
}
