/* The layer-table interpreter: each row names a kernel and where its tensors live. */
#include <string.h>

#include "fed_internal.h"

static int8_t *tensor_at(int32_t where, const int8_t *input, int8_t *output, uint8_t *arena)
{
    if (where == FED_TENSOR_INPUT) return (int8_t *)(uintptr_t)input; /* only ever read */
    if (where == FED_TENSOR_OUTPUT) return output;
    return (int8_t *)(arena + where);
}

int fed_argmax_s8(const int8_t *values, int32_t n)
{
    if (values == NULL || n <= 0) return FED_ERR_ARGUMENT;
    int best = 0;
    for (int32_t i = 1; i < n; i++)
        if (values[i] > values[best]) best = (int)i;
    return best;
}

int fed_model_run(const fed_model *model, const int8_t *input, int8_t *output, uint8_t *arena)
{
    if (model == NULL || input == NULL || output == NULL || (arena == NULL && model->arena_size > 0))
        return FED_ERR_ARGUMENT;
    if (model->version != FED_RUNTIME_VERSION) return FED_ERR_VERSION;
    for (int32_t i = 0; i < model->layer_count; i++) {
        const fed_layer *l = &model->layers[i];
        const int8_t *in = tensor_at(l->input, input, output, arena);
        int8_t *out = tensor_at(l->output, input, output, arena);
        const int32_t out_size = l->out_c * l->out_h * l->out_w;
        switch (l->op) {
        case FED_OP_FULLY_CONNECTED: fed_fully_connected_s8(l, in, out); break;
        case FED_OP_CONV2D: fed_conv2d_s8(l, in, out); break;
        case FED_OP_DEPTHWISE_CONV2D: fed_depthwise_conv2d_s8(l, in, out); break;
        case FED_OP_MAX_POOL: fed_max_pool_s8(l, in, out); break;
        case FED_OP_AVG_POOL: fed_avg_pool_s8(l, in, out); break;
        case FED_OP_CLAMP: fed_clamp_s8(in, out, out_size, l->act_min, l->act_max); break;
        case FED_OP_ADD: fed_add_s8(l, in, tensor_at(l->input2, input, output, arena), out, out_size); break;
        case FED_OP_RESHAPE:
            if (in != out) memmove(out, in, (size_t)out_size);
            break;
        case FED_OP_SOFTMAX: fed_softmax_s8(in, out, out_size, l->exp_lut); break;
        default: return FED_ERR_OP;
        }
    }
    return FED_OK;
}

int fed_model_classify(const fed_model *model, const int8_t *input, int8_t *output, uint8_t *arena)
{
    const int status = fed_model_run(model, input, output, arena);
    return status != FED_OK ? status : fed_argmax_s8(output, model->output_size);
}
