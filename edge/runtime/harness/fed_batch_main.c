/*
 * Runs a model over a batch of int8 inputs compiled into the program and prints every output,
 * the same on the host and on a Cortex-M board (stdout goes through semihosting there):
 *   layer_bytes <sizeof(fed_layer)>
 *   out <index> <class> <output bytes in hex>
 *   done <count>
 * The batch file (generated next to the model data) defines the symbols declared here. With a file
 * argument (raw int8 inputs one after another), it runs those instead: a whole test set needs no
 * recompiling (stdio reaches the host's files through semihosting on a board too).
 */
#include <stdio.h>

#include "fed_runtime.h"

extern const fed_model *const fed_batch_model;
extern uint8_t fed_batch_arena[];
extern int8_t fed_batch_output[];
extern const int32_t fed_batch_count;
extern const int8_t fed_batch_inputs[];

static int run_one(const fed_model *m, long index, const int8_t *input)
{
    const int klass = fed_model_classify(m, input, fed_batch_output, fed_batch_arena);
    if (klass < 0) {
        printf("error %ld %d\n", index, klass);
        return 0;
    }
    printf("out %ld %d ", index, klass);
    for (int32_t j = 0; j < m->output_size; j++) printf("%02x", (unsigned)(uint8_t)fed_batch_output[j]);
    printf("\n");
    return 1;
}

/* One input at a time through this buffer, so a file of any length needs no more memory. */
static int8_t file_input[1 << 16];

int main(int argc, char **argv)
{
    const fed_model *m = fed_batch_model;
    printf("layer_bytes %u\n", (unsigned)sizeof(fed_layer));
    long count = 0;
    if (argc > 1) {
        FILE *file = fopen(argv[1], "rb");
        if (file == NULL || m->input_size > (int32_t)sizeof file_input) {
            printf("error cannot read %s\n", argv[1]);
            return 2;
        }
        while (fread(file_input, 1, (size_t)m->input_size, file) == (size_t)m->input_size) {
            if (!run_one(m, count, file_input)) return 2;
            count++;
        }
        fclose(file);
    } else {
        for (; count < fed_batch_count; count++)
            if (!run_one(m, count, fed_batch_inputs + count * m->input_size)) return 2;
    }
    printf("done %ld\n", count);
    return 0;
}
